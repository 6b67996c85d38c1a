"""The person's rights in the domain: erasure removes every personal field and leaves the
history; correction replaces what is given and names the fields, never the values."""

from __future__ import annotations

import pytest

from services.referrals.domain import (
    Action,
    Handoff,
    Referral,
    ReferralRefused,
    SubjectCorrection,
    TransitionNotAllowed,
    correct_subject,
    erase_subject,
)
from services.referrals.domain.subject_rights import SubjectFields
from tsunagu_schemas import (
    CloseOutcome,
    DeclineReason,
    ErasureReason,
    HandoffReason,
    ReferralStatus,
)

from .journeys import DISPLAY_NAME, NOW, RECEIVER, SENDER, accepted, agency, consent, requested


def _with_every_personal_field() -> Referral:
    referral = requested()
    referral.note = "note about the person"
    referral.basis = consent(reference="minutes 12")
    referral.legs[0].basis = consent(reference="minutes 12")
    referral.decline(actor=RECEIVER, reason=DeclineReason.NO_CAPACITY, comment="said no", now=NOW)
    return referral


def test_erasure_removes_every_personal_field_and_keeps_the_history() -> None:
    referral = _with_every_personal_field()
    before = referral.version
    event = erase_subject(referral, actor=SENDER, reason=ErasureReason.SUBJECT_REQUEST, now=NOW)
    assert event is not None
    assert event.type == "tsunagu.referral.subject_erased"
    assert event.data.reason == "subject_request"
    assert event.data.actor_agency_id == SENDER
    assert referral.version == before + 1
    assert referral.subject is None
    assert referral.note is None
    assert referral.basis.reference is None
    assert [(leg.comment, leg.basis.reference) for leg in referral.legs] == [(None, None)]
    assert referral.legs[0].status is ReferralStatus.DECLINED
    assert referral.legs[0].basis.kind.value == "consent"
    assert referral.erasure is not None
    assert (referral.erasure.at, referral.erasure.by) == (NOW, SENDER)
    assert DISPLAY_NAME not in event.data.model_dump_json()


def test_erasing_twice_changes_nothing_the_second_time() -> None:
    referral = requested()
    erase_subject(referral, actor=SENDER, reason=ErasureReason.OTHER, now=NOW)
    version = referral.version
    assert erase_subject(referral, actor=SENDER, reason=ErasureReason.OTHER, now=NOW) is None
    assert referral.version == version


def test_an_erased_referral_can_only_be_ended() -> None:
    referral = requested()
    erase_subject(referral, actor=SENDER, reason=ErasureReason.SUBJECT_REQUEST, now=NOW)
    assert referral.allowed_actions() == [Action.DECLINE, Action.CANCEL]
    with pytest.raises(TransitionNotAllowed, match="erased"):
        referral.accept(actor=RECEIVER, now=NOW)
    with pytest.raises(ReferralRefused):
        referral.decline(actor=RECEIVER, reason=DeclineReason.OTHER, comment="x", now=NOW)
    referral.decline(actor=RECEIVER, reason=DeclineReason.OTHER, comment=None, now=NOW)
    assert referral.allowed_actions() == [Action.CLOSE]
    referral.close(actor=SENDER, outcome=CloseOutcome.WITHDRAWN, comment=None, now=NOW)
    assert referral.status is ReferralStatus.CLOSED
    assert referral.ended_at == NOW


def test_an_erased_accepted_referral_cannot_be_handed_on() -> None:
    referral = accepted()
    erase_subject(referral, actor=RECEIVER, reason=ErasureReason.CONSENT_WITHDRAWN, now=NOW)
    handoff = Handoff(to_agency_id=SENDER, reason=HandoffReason.OTHER)
    with pytest.raises(TransitionNotAllowed):
        referral.handoff(actor=RECEIVER, request=handoff, target=agency(SENDER), now=NOW)
    with pytest.raises(ReferralRefused):
        referral.close(actor=RECEIVER, outcome=CloseOutcome.OTHER, comment="why", now=NOW)


def test_a_correction_replaces_the_fields_given_and_names_them() -> None:
    referral = requested()
    correction = SubjectCorrection(
        subject=SubjectFields(contact=None, birth_year=1981), note="new note"
    )
    event = correct_subject(referral, actor=SENDER, correction=correction, now=NOW)
    assert event is not None
    assert event.type == "tsunagu.referral.subject_corrected"
    assert event.data.corrected_fields == ["subject.contact", "subject.birth_year", "note"]
    assert referral.subject is not None
    assert referral.subject.display_name == DISPLAY_NAME
    assert (referral.subject.contact, referral.subject.birth_year) == (None, 1981)
    assert referral.note == "new note"
    assert "1981" not in event.data.model_dump_json()


def test_a_correction_that_changes_nothing_is_no_event() -> None:
    referral = requested()
    same = SubjectCorrection(subject=SubjectFields(display_name=DISPLAY_NAME))
    assert correct_subject(referral, actor=SENDER, correction=same, now=NOW) is None
    assert referral.version == 1


def test_a_correction_cannot_clear_the_name_nor_touch_erased_data() -> None:
    referral = requested()
    cleared = SubjectCorrection.model_validate({"subject": {"display_name": None}})
    with pytest.raises(ReferralRefused) as refused:
        correct_subject(referral, actor=SENDER, correction=cleared, now=NOW)
    assert refused.value.field == "subject.display_name"
    erase_subject(referral, actor=SENDER, reason=ErasureReason.OTHER, now=NOW)
    with pytest.raises(TransitionNotAllowed):
        correct_subject(referral, actor=SENDER, correction=SubjectCorrection(note="x"), now=NOW)
