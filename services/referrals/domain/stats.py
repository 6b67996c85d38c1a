"""Network statistics over a period, with small counts suppressed so no person stands out.

Counted from the public part of referrals only (statuses, agencies, needs, times): never the
person's data. Any count from 1 to `min_count - 1` is withheld (None), and so is any rate or
median computed from fewer than `min_count` cases, so that a figure cannot point at one person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from tsunagu_schemas import ReferralStatus, Urgency

DEFAULT_MIN_COUNT = 5
NO_CAPACITY = "no_capacity"


@dataclass(frozen=True)
class LegFacts:
    """What statistics read of one leg."""

    from_agency_id: str
    to_agency_id: str
    needs: tuple[str, ...]
    status: ReferralStatus
    requested_at: datetime
    responded_at: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ReferralFacts:
    """What statistics read of one referral: no person's data."""

    status: ReferralStatus
    urgency: Urgency
    created_at: datetime
    ended_at: datetime | None
    legs: tuple[LegFacts, ...]


@dataclass
class AgencyFigures:
    """One agency's referrals over the period (counts before suppression)."""

    sent: int = 0
    received: int = 0
    accepted: int = 0
    declined: int = 0
    accept_seconds: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    """The half-open period [since, until) and the smallest count shown."""

    since: datetime
    until: datetime
    min_count: int = DEFAULT_MIN_COUNT

    def holds(self, moment: datetime | None) -> bool:
        """Whether `moment` falls in the period."""
        return moment is not None and self.since <= moment < self.until

    def count(self, value: int) -> int | None:
        """The count as shown: 0, or at least `min_count`, else withheld."""
        return value if value == 0 or value >= self.min_count else None

    def rate(self, part: int, whole: int) -> float | None:
        """part / whole, shown only when `whole` reaches `min_count`."""
        return round(part / whole, 3) if whole >= self.min_count else None

    def middle(self, values: list[float]) -> float | None:
        """The median, shown only over at least `min_count` values."""
        return round(median(values), 1) if len(values) >= self.min_count else None


@dataclass(frozen=True)
class NetworkStats:
    """The figures of the period, suppressed where small."""

    period: Period
    by_status: dict[str, int | None]
    by_urgency: dict[str, int | None]
    agencies: dict[str, dict[str, int | float | None]]
    acceptance_rate: float | None
    median_seconds_to_accept: float | None
    median_seconds_to_close: float | None
    unmet_needs: dict[str, int | None]


def network_stats(
    referrals: Iterable[ReferralFacts], period: Period, *, agency_id: str | None = None
) -> NetworkStats:
    """The statistics of referrals opened, legs asked and referrals ended in the period; with
    `agency_id`, only legs that agency sent or received and the referrals it was party to."""
    opened: list[ReferralFacts] = []
    legs: list[LegFacts] = []
    close_seconds: list[float] = []
    for referral in referrals:
        mine = [leg for leg in referral.legs if _concerns(leg, agency_id)]
        if not mine:
            continue
        legs += [leg for leg in mine if period.holds(leg.requested_at)]
        if period.holds(referral.created_at):
            opened.append(referral)
        if referral.status is ReferralStatus.CLOSED and period.holds(referral.ended_at):
            assert referral.ended_at is not None
            close_seconds.append((referral.ended_at - referral.created_at).total_seconds())
    figures = _agency_figures(legs)
    answered = [leg for leg in legs if leg.responded_at and leg.status in _ANSWERS]
    accepted = [leg for leg in answered if leg.status is ReferralStatus.ACCEPTED]
    return NetworkStats(
        period=period,
        by_status=_shown(Counter(r.status.value for r in opened), ReferralStatus, period),
        by_urgency=_shown(Counter(r.urgency.value for r in opened), Urgency, period),
        agencies={
            agency: _agency_view(numbers, period)
            for agency, numbers in sorted(figures.items())
            if agency_id is None or agency == agency_id
        },
        acceptance_rate=period.rate(len(accepted), len(answered)),
        median_seconds_to_accept=period.middle([_waited(leg) for leg in accepted]),
        median_seconds_to_close=period.middle(close_seconds),
        unmet_needs={need: period.count(number) for need, number in sorted(_unmet(legs).items())},
    )


_ANSWERS = (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED)


def _concerns(leg: LegFacts, agency_id: str | None) -> bool:
    return agency_id is None or agency_id in (leg.from_agency_id, leg.to_agency_id)


def _waited(leg: LegFacts) -> float:
    assert leg.responded_at is not None
    return (leg.responded_at - leg.requested_at).total_seconds()


def _agency_figures(legs: list[LegFacts]) -> dict[str, AgencyFigures]:
    figures: dict[str, AgencyFigures] = {}
    for leg in legs:
        figures.setdefault(leg.from_agency_id, AgencyFigures()).sent += 1
        receiver = figures.setdefault(leg.to_agency_id, AgencyFigures())
        receiver.received += 1
        if leg.responded_at is not None and leg.status is ReferralStatus.ACCEPTED:
            receiver.accepted += 1
            receiver.accept_seconds.append(_waited(leg))
        elif leg.responded_at is not None and leg.status is ReferralStatus.DECLINED:
            receiver.declined += 1
    return figures


def _agency_view(numbers: AgencyFigures, period: Period) -> dict[str, int | float | None]:
    return {
        "sent": period.count(numbers.sent),
        "received": period.count(numbers.received),
        "accepted": period.count(numbers.accepted),
        "declined": period.count(numbers.declined),
        "acceptance_rate": period.rate(numbers.accepted, numbers.accepted + numbers.declined),
        "median_seconds_to_accept": period.middle(numbers.accept_seconds),
    }


def _unmet(legs: list[LegFacts]) -> Counter[str]:
    """Needs asked for in legs declined for lack of capacity, one count per leg and need."""
    return Counter(
        need
        for leg in legs
        if leg.status is ReferralStatus.DECLINED and leg.reason == NO_CAPACITY
        for need in leg.needs
    )


def _shown(
    counts: Counter[str], values: type[ReferralStatus] | type[Urgency], period: Period
) -> dict[str, int | None]:
    return {value.value: period.count(counts.get(value.value, 0)) for value in values}
