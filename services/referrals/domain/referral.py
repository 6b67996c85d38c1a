"""The Referral aggregate: one person's journey through the network, leg by leg."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from tsunagu_schemas import (
    CancelReason,
    CloseOutcome,
    DeclineReason,
    ReferralEventData,
    ReferralStatus,
    Urgency,
)
from tsunagu_schemas import referral as types

from .agency import Agency, check_target
from .basis import LegalBasis, check_basis
from .errors import ActorNotPermitted, ReferralRefused, TransitionNotAllowed
from .events import ReferralEvent
from .leg import Leg
from .lifecycle import Action, Role, allowed_actions, rule_for
from .requests import Handoff
from .sla import DEFAULT_SLA, SlaPolicy
from .subject import Erasure, Subject
from .visibility import audience

TOLD_TO_EVERY_PARTY = (types.REFERRAL_SUBJECT_ERASED, types.REFERRAL_SUBJECT_CORRECTED)
"""Changes every agency that ever received the person's data must hear of, to erase or correct
its own copy; every other change goes to those the reading policy still covers."""

SYSTEM_ACTOR = "tsunagu-referrals"
"""The actor of changes the service makes itself, such as flagging an overdue leg."""
AFTER_ERASURE = (Action.DECLINE, Action.CANCEL, Action.CLOSE)
"""Once the person's data is erased the referral can only be ended: nobody is asked to take
on, or handed, a case whose person can no longer be identified."""


class Referral(BaseModel):
    """A referral: who holds it, who is asked, every leg so far, and the person's data."""

    id: str
    version: int
    status: ReferralStatus
    holder_agency_id: str
    current_leg: int
    legs: list[Leg]
    needs: list[str]
    urgency: Urgency
    subject: Subject | None = Field(description="None once the person's data was erased.")
    basis: LegalBasis
    note: str | None = None
    outcome: CloseOutcome | None = None
    outcome_comment: str | None = None
    followers: list[str] = Field(default_factory=list)
    erasure: Erasure | None = None
    ended_at: datetime | None = Field(default=None, description="When it was closed or cancelled.")
    created_at: datetime
    updated_at: datetime

    @property
    def leg(self) -> Leg:
        """The current leg."""
        return self.legs[self.current_leg - 1]

    @property
    def parties(self) -> list[str]:
        """Every agency in any leg, plus followers, each once, in order of appearance."""
        seen: dict[str, None] = {}
        for leg in self.legs:
            seen.setdefault(leg.from_agency_id)
            seen.setdefault(leg.to_agency_id)
        for follower in self.followers:
            seen.setdefault(follower)
        return list(seen)

    def is_party(self, agency_id: str) -> bool:
        """Whether the agency is or was party to this referral."""
        return agency_id in self.parties

    def allowed_actions(self) -> list[Action]:
        """The actions possible in the current status (fewer once the person's data is erased)."""
        possible = allowed_actions(self.status)
        return [a for a in possible if a in AFTER_ERASURE] if self.erasure else possible

    def accept(self, *, actor: str, now: datetime) -> ReferralEvent:
        """The asked agency accepts: it becomes the holder; the former may keep following."""
        self._authorise(Action.ACCEPT, actor)
        leg = self.leg
        leg.status, leg.responded_at = ReferralStatus.ACCEPTED, now
        if leg.keep_following and leg.from_agency_id not in self.followers:
            self.followers.append(leg.from_agency_id)
        self.holder_agency_id = leg.to_agency_id
        self.status = ReferralStatus.ACCEPTED
        return self._changed(types.REFERRAL_ACCEPTED, actor=actor, now=now)

    def decline(
        self, *, actor: str, reason: DeclineReason, comment: str | None, now: datetime
    ) -> ReferralEvent:
        """The asked agency declines: the holder keeps the case and must route or close it."""
        self._authorise(Action.DECLINE, actor)
        leg = self.leg
        self._no_personal_text_once_erased(comment)
        leg.status, leg.responded_at = ReferralStatus.DECLINED, now
        leg.reason, leg.comment = reason.value, comment
        self.status = ReferralStatus.DECLINED
        return self._changed(types.REFERRAL_DECLINED, actor=actor, now=now, reason=reason)

    def handoff(
        self,
        *,
        actor: str,
        request: Handoff,
        target: Agency | None,
        now: datetime,
        sla: SlaPolicy = DEFAULT_SLA,
    ) -> ReferralEvent:
        """The holder asks another agency; it stays the holder until that agency accepts."""
        self._authorise(Action.HANDOFF, actor)
        needs = request.needs or self.needs
        if request.to_agency_id == self.holder_agency_id:
            raise ReferralRefused("a referral cannot be handed to its holder", field="to_agency_id")
        check_target(target, agency_id=request.to_agency_id, needs=needs, field="to_agency_id")
        # Without a basis of its own, the referral's basis must already cover the new agency.
        basis = request.basis or self.basis
        check_basis(basis, receiving_agency_id=request.to_agency_id, now=now, field="basis")
        self.legs.append(
            Leg(
                number=len(self.legs) + 1,
                from_agency_id=self.holder_agency_id,
                to_agency_id=request.to_agency_id,
                needs=needs,
                status=ReferralStatus.REQUESTED,
                requested_at=now,
                reason=request.reason.value,
                keep_following=request.keep_following,
                basis=basis,
                accept_by=sla.accept_by(self.urgency, requested_at=now),
            )
        )
        self.current_leg, self.basis = len(self.legs), basis
        self.status = ReferralStatus.REQUESTED
        return self._changed(types.REFERRAL_HANDED_OFF, actor=actor, now=now, reason=request.reason)

    def close(
        self, *, actor: str, outcome: CloseOutcome, comment: str | None, now: datetime
    ) -> ReferralEvent:
        """The holder ends the journey with an outcome."""
        self._authorise(Action.CLOSE, actor)
        self._no_personal_text_once_erased(comment)
        self.outcome, self.outcome_comment = outcome, comment
        self.status, self.ended_at = ReferralStatus.CLOSED, now
        return self._changed(types.REFERRAL_CLOSED, actor=actor, now=now)

    def cancel(self, *, actor: str, reason: CancelReason, now: datetime) -> ReferralEvent:
        """The holder withdraws the pending request.

        A holder that accepted the case earlier only withdraws its handoff and keeps the case
        (back to accepted); an agency that never held it by acceptance cancels the referral.
        """
        self._authorise(Action.CANCEL, actor)
        leg = self.leg
        leg.status, leg.responded_at, leg.reason = ReferralStatus.CANCELLED, now, reason.value
        self.status = (
            ReferralStatus.ACCEPTED if self._holder_accepted() else ReferralStatus.CANCELLED
        )
        if self.status is ReferralStatus.CANCELLED:
            self.ended_at = now
        return self._changed(types.REFERRAL_CANCELLED, actor=actor, now=now, reason=reason)

    @property
    def accept_by(self) -> datetime | None:
        """The deadline of the current leg while it waits for an answer."""
        return self.leg.accept_by if self.status is ReferralStatus.REQUESTED else None

    @property
    def overdue(self) -> bool:
        """Whether the current leg is past its deadline and still not answered."""
        return self.leg.overdue

    def breach_sla(self, *, coordinator: str | None, now: datetime) -> ReferralEvent:
        """Flag the current leg as past its deadline and escalate it to the coordinator."""
        if not self.leg.due(now):
            raise TransitionNotAllowed(
                action="flag as overdue", status=self.status.value, allowed=[]
            )
        self.leg.sla_breached_at, self.leg.escalated_to = now, coordinator
        return self._changed(
            types.REFERRAL_SLA_BREACHED, actor=SYSTEM_ACTOR, now=now, reason="sla_breached"
        )

    def _holder_accepted(self) -> bool:
        """Whether the holder took the case by accepting an earlier leg."""
        return any(
            leg.to_agency_id == self.holder_agency_id and leg.status is ReferralStatus.ACCEPTED
            for leg in self.legs[: self.current_leg - 1]
        )

    def who_may(self, action: Action) -> tuple[Role, str]:
        """The role and agency that may take `action` now (409 when no one may)."""
        role = rule_for(self.status, action).role
        return role, self.holder_agency_id if role is Role.HOLDER else self.leg.to_agency_id

    def _authorise(self, action: Action, actor: str) -> None:
        if self.erasure is not None and action not in AFTER_ERASURE:
            raise TransitionNotAllowed(
                action=action.value,
                status=f"{self.status.value} and whose person's data was erased",
                allowed=[a.value for a in self.allowed_actions()],
            )
        role, agency_id = self.who_may(action)
        if actor != agency_id:
            raise ActorNotPermitted(action=action.value, role=role.value, agency_id=agency_id)

    def _no_personal_text_once_erased(self, comment: str | None) -> None:
        """A comment may be about the person: none is kept once their data is erased."""
        if self.erasure is not None and comment:
            raise ReferralRefused(
                "the person's data of this referral was erased: send no comment", field="comment"
            )

    def changed(
        self, event_type: str, *, actor: str, now: datetime, reason: str | None = None
    ) -> ReferralEvent:
        """Count one more version for a change decided elsewhere (the person's rights), and
        the event telling what the referral became."""
        return self._changed(event_type, actor=actor, now=now, reason=reason)

    def _changed(
        self, event_type: str, *, actor: str, now: datetime, reason: str | None = None
    ) -> ReferralEvent:
        self.version += 1
        self.updated_at = now
        data = self.event_data(actor=actor, now=now, reason=reason)
        if event_type in TOLD_TO_EVERY_PARTY:
            data = data.model_copy(update={"audience": self.parties})
        return ReferralEvent(event_type, data)

    def event_data(self, *, actor: str, now: datetime, reason: str | None) -> ReferralEventData:
        """What an event says of this referral now: ids, agencies, needs, states only."""
        leg = self.leg
        return ReferralEventData(
            referral_id=self.id,
            version=self.version,
            leg=leg.number,
            from_agency_id=leg.from_agency_id,
            to_agency_id=leg.to_agency_id,
            needs=leg.needs,
            urgency=self.urgency,
            status=self.status,
            reason=str(reason) if reason is not None else None,
            outcome=self.outcome,
            actor_agency_id=actor,
            parties=self.parties,
            audience=audience(self, now=now),
            accept_by=self.accept_by,
            escalated_to=leg.escalated_to if leg.overdue else None,
            occurred_at=now,
        )
