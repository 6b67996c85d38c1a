"""The person's data is stored sealed: no collection of the referrals database holds it in the
clear, the API still shows it to the parties, and a sealed value moved onto another referral
does not open there."""

from __future__ import annotations

import uuid
from typing import Any

import bson
import pytest

from services.referrals.adapters.referral_store import REFERRALS
from services.referrals.adapters.subject_vault import (
    SEALED,
    SubjectUnreadable,
    SubjectVault,
    subject_key,
)
from services.referrals.settings import ReferralsSettings
from tests.integration.referrals.network import DISPLAY_NAME, Network, acting, consent, fresh_id
from tsunagu.store import make_client


def _marked(marker: str) -> dict[str, Any]:
    basis = consent() | {"kind": "support_meeting", "reference": f"minutes {marker}"}
    return {
        "subject": {"display_name": f"name {marker}", "contact": f"tel {marker}"},
        "note": f"note {marker}",
        "basis": basis,
    }


async def _raw_documents(settings: ReferralsSettings) -> list[bytes]:
    client = make_client(settings.mongo_url)
    try:
        database = client[settings.database]
        raw = []
        for name in await database.list_collection_names():
            async for document in database[name].find({}):
                raw.append(bson.encode(document))
        return raw
    finally:
        await client.close()


async def test_no_stored_document_holds_the_persons_data_in_the_clear(
    network: Network, referrals_settings: ReferralsSettings
) -> None:
    marker = uuid.uuid4().hex
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    headers = {**acting(sender), "Idempotency-Key": uuid.uuid4().hex}
    body = {
        "from_agency_id": sender,
        "to_agency_id": receiver,
        "needs": ["food"],
        "urgency": "urgent",
        **_marked(marker),
    }
    created = await network.http.post("/v1/referrals", json=body, headers=headers)
    assert created.status_code == 201, created.text
    referral_id = created.json()["id"]
    declined = await network.act(
        referral_id, "decline", receiver, {"reason": "no_capacity", "comment": f"c {marker}"}
    )
    assert declined.status_code == 200, declined.text

    shown = await network.http.get(f"/v1/referrals/{referral_id}", headers=acting(sender))
    assert shown.json()["subject"]["display_name"] == f"name {marker}"
    assert marker in shown.json()["legs"][0]["comment"]
    stored = await _raw_documents(referrals_settings)
    assert any(referral_id.encode() in document for document in stored)
    assert [d for d in stored if marker.encode() in d] == []


async def test_a_sealed_value_moved_onto_another_referral_does_not_open(
    network: Network, referrals_settings: ReferralsSettings
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    first, second = [str((await network.refer(sender, receiver))["id"]) for _ in range(2)]
    client = make_client(referrals_settings.mongo_url)
    try:
        database = client[referrals_settings.database]
        taken = await database[REFERRALS].find_one({"_id": first})
        target = await database[REFERRALS].find_one({"_id": second})
        assert taken is not None
        assert target is not None
        vault = SubjectVault.over(database, subject_key(referrals_settings))
        with pytest.raises(SubjectUnreadable):
            await vault.open(second, {**target, SEALED: taken[SEALED]})
        opened = await vault.open(second, target)
        assert opened["subject"]["display_name"] == DISPLAY_NAME
    finally:
        await client.close()
