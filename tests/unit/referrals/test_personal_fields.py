"""Which parts of a stored referral are the person's data, and that they come back whole."""

from __future__ import annotations

import json

from services.referrals.adapters.subject_vault import SubjectVault, merge_personal, split_personal
from services.referrals.domain import Referral
from tests.unit.referrals.journeys import NOW, RECEIVER, new_referral, requested
from tsunagu.sealing import SecretBox, derived_key
from tsunagu_schemas import CloseOutcome, DeclineReason

MARK = "MARK-0d1f"


def _marked_referral() -> Referral:
    referral = requested()
    referral.subject.display_name = f"name {MARK}"
    referral.subject.contact = f"tel {MARK}"
    referral.note = f"note {MARK}"
    referral.basis = referral.basis.model_copy(update={"reference": f"minutes {MARK}"})
    referral.legs[0].basis = referral.basis
    referral.decline(actor=RECEIVER, reason=DeclineReason.NO_CAPACITY, comment=MARK, now=NOW)
    referral.outcome, referral.outcome_comment = CloseOutcome.RESOLVED, f"outcome {MARK}"
    return referral


def test_the_public_part_holds_nothing_personal_and_the_two_parts_make_the_whole() -> None:
    document = _marked_referral().model_dump(mode="json")
    public, personal = split_personal(document)
    assert MARK not in json.dumps(public)
    assert MARK in json.dumps(personal)
    assert public["legs"][0]["to_agency_id"] == RECEIVER
    assert merge_personal(public, personal) == document


def test_splitting_leaves_the_given_document_as_it_was() -> None:
    document = requested().model_dump(mode="json")
    before = json.dumps(document, sort_keys=True)
    split_personal(document)
    assert json.dumps(document, sort_keys=True) == before
    assert new_referral().subject.display_name


def test_derived_keys_differ_by_purpose_and_are_stable() -> None:
    key = b"k" * 32
    assert derived_key(key, "a") == derived_key(key, "a")
    assert derived_key(key, "a") != derived_key(key, "b")
    assert len(derived_key(key, "a")) == 32
    box = SecretBox(derived_key(key, "a"))
    assert box.open(box.seal(b"x", context="c"), context="c") == b"x"


async def test_a_document_stored_before_sealing_began_is_read_as_it_is() -> None:
    document = requested().model_dump(mode="json") | {"_id": "ref_000000000000"}
    vault = SubjectVault(keys=None, master=SecretBox(b"k" * 32))  # type: ignore[arg-type]
    assert await vault.open("ref_000000000000", document) == document
