"""Network statistics: what is counted in a period, per agency, and what small counts withhold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.referrals.domain.stats import LegFacts, Period, ReferralFacts, network_stats
from tsunagu_schemas import ReferralStatus, Urgency

START = datetime(2026, 5, 1, tzinfo=UTC)
PERIOD = Period(START, START + timedelta(days=30), min_count=3)
S = ReferralStatus


def leg(
    status: ReferralStatus,
    *,
    to: str = "b",
    sender: str = "a",
    at: datetime = START + timedelta(days=1),
    waited: float | None = 600.0,
    reason: str | None = None,
    needs: tuple[str, ...] = ("food",),
) -> LegFacts:
    responded = at + timedelta(seconds=waited) if waited is not None else None
    return LegFacts(sender, to, needs, status, at, responded, reason)


def referral(
    *legs: LegFacts,
    status: ReferralStatus = S.ACCEPTED,
    urgency: Urgency = Urgency.URGENT,
    created: datetime = START + timedelta(days=1),
    ended: datetime | None = None,
) -> ReferralFacts:
    return ReferralFacts(status, urgency, created, ended, legs)


def test_counts_rates_and_medians_over_the_period() -> None:
    day = START + timedelta(days=2)
    referrals = [
        referral(leg(S.ACCEPTED, waited=60.0)),
        referral(leg(S.ACCEPTED, waited=120.0)),
        referral(leg(S.ACCEPTED, waited=300.0)),
        referral(leg(S.DECLINED, reason="no_capacity"), status=S.DECLINED),
        referral(
            leg(S.ACCEPTED, waited=30.0),
            status=S.CLOSED,
            created=day,
            ended=day + timedelta(hours=2),
        ),
    ]
    stats = network_stats(referrals, PERIOD)
    assert stats.by_status == {
        "requested": 0,
        "accepted": 3,
        "declined": None,  # one referral: withheld
        "closed": None,
        "cancelled": 0,
    }
    assert stats.by_urgency == {"routine": 0, "urgent": 5, "emergency": 0}
    assert stats.acceptance_rate == 0.8
    assert stats.median_seconds_to_accept == 90.0  # 30, 60, 120, 300
    assert stats.median_seconds_to_close is None  # one closed referral: withheld
    assert stats.unmet_needs == {"food": None}
    assert stats.agencies["a"]["sent"] == 5
    assert stats.agencies["b"] == {
        "sent": 0,
        "received": 5,
        "accepted": 4,
        "declined": None,
        "acceptance_rate": 0.8,
        "median_seconds_to_accept": 90.0,
    }


def test_what_happened_outside_the_period_is_not_counted() -> None:
    before = START - timedelta(days=3)
    referrals = [
        # Opened before the period, handed on inside it: only the second leg counts.
        referral(
            leg(S.ACCEPTED, at=before),
            leg(S.DECLINED, sender="b", to="c", reason="no_capacity"),
            created=before,
            status=S.DECLINED,
        ),
        referral(leg(S.REQUESTED, at=PERIOD.until, waited=None), created=PERIOD.until),
    ]
    stats = network_stats(referrals, PERIOD)
    assert set(stats.by_status.values()) == {0}
    assert stats.agencies == {
        "b": {
            "sent": None,
            "received": 0,
            "accepted": 0,
            "declined": 0,
            "acceptance_rate": None,
            "median_seconds_to_accept": None,
        },
        "c": {
            "sent": 0,
            "received": None,
            "accepted": 0,
            "declined": None,
            "acceptance_rate": None,
            "median_seconds_to_accept": None,
        },
    }


def test_one_agency_sees_only_the_legs_it_sent_or_received() -> None:
    referrals = [referral(leg(S.ACCEPTED, to=to)) for to in ("b", "b", "b", "c", "c", "c")]
    stats = network_stats(referrals, PERIOD, agency_id="c")
    assert list(stats.agencies) == ["c"]
    assert stats.agencies["c"]["received"] == 3
    assert stats.by_status["accepted"] == 3
    everyone = network_stats(referrals, PERIOD)
    assert set(everyone.agencies) == {"a", "b", "c"}
    assert everyone.by_status["accepted"] == 6


def test_with_a_smallest_count_of_one_nothing_is_withheld() -> None:
    stats = network_stats(
        [referral(leg(S.DECLINED, reason="no_capacity"), status=S.DECLINED)],
        Period(PERIOD.since, PERIOD.until, min_count=1),
    )
    assert stats.by_status["declined"] == 1
    assert stats.unmet_needs == {"food": 1}
    assert stats.acceptance_rate == 0.0
