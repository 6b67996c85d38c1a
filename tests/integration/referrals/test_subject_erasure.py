"""Erasure of the person's data: by the holder or the coordinator, never by another agency;
afterwards no route shows the data, the store holds neither the sealed value nor its key, a
replica that cached the key reads nothing either, and a second erasure emits nothing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import bson
import httpx

from services.referrals.adapters.subject_vault import SUBJECT_KEYS
from services.referrals.settings import ReferralsSettings
from tests.access import as_role
from tests.integration.harness import collect, headers_of
from tests.integration.referrals.network import Network, acting, consent, fresh_id
from tsunagu.store import make_client
from tsunagu_schemas.topics import REFERRAL_EVENTS

ERASED = "tsunagu.referral.subject_erased"
ERASE = {"reason": "subject_request"}


async def _marked_referral(network: Network, marker: str) -> tuple[str, str, str]:
    """A referral from a new sender to a new receiver, the marker in every personal field,
    declined with a comment; (referral id, sender, receiver)."""
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    basis = consent() | {"kind": "support_meeting", "reference": f"minutes {marker}"}
    body = {
        "from_agency_id": sender,
        "to_agency_id": receiver,
        "needs": ["food"],
        "urgency": "urgent",
        "subject": {"display_name": f"name {marker}", "contact": f"tel {marker}"},
        "note": f"note {marker}",
        "basis": basis,
    }
    created = await network.http.post("/v1/referrals", json=body, headers=acting(sender))
    assert created.status_code == 201, created.text
    referral_id = str(created.json()["id"])
    comment = {"reason": "no_capacity", "comment": f"comment {marker}"}
    assert (await network.act(referral_id, "decline", receiver, comment)).status_code == 200
    return referral_id, sender, receiver


async def _stored(settings: ReferralsSettings) -> dict[str, list[dict[str, Any]]]:
    """Every document of every collection of the referrals database, as stored."""
    client = make_client(settings.mongo_url)
    try:
        database = client[settings.database]
        return {
            name: [document async for document in database[name].find({})]
            for name in await database.list_collection_names()
        }
    finally:
        await client.close()


def _erase_events(referral_id: str, records: list[Any]) -> set[str]:
    """Distinct ids of the erase events of one referral (relays may publish a copy)."""
    return {
        headers_of(r)["ce_id"]
        for r in records
        if r.key == referral_id.encode() and headers_of(r).get("ce_type") == ERASED
    }


async def test_after_the_holder_erases_no_route_and_no_stored_document_holds_the_data(
    network: Network, referrals_settings: ReferralsSettings
) -> None:
    marker = uuid.uuid4().hex
    referral_id, sender, receiver = await _marked_referral(network, marker)
    path = f"/v1/referrals/{referral_id}"
    assert marker in (await network.http.get(path, headers=acting(sender))).text

    erased = await network.http.post(f"{path}/subject/erase", json=ERASE, headers=acting(sender))
    assert erased.status_code == 200, erased.text
    view = erased.json()
    assert view["subject"] is None
    assert view["note"] is None
    assert view["erasure"]["by"] == sender
    assert view["erasure"]["reason"] == "subject_request"
    assert [leg["status"] for leg in view["legs"]] == ["declined"]
    assert view["legs"][0]["basis"]["kind"] == "support_meeting"
    assert view["allowed_actions"] == ["close"]

    answers = [
        await network.http.get(path, headers=acting(sender)),
        await network.http.get(path, headers=acting(receiver)),
        await network.http.get("/v1/referrals", headers=acting(sender)),
        await network.http.get(f"{path}/subject/disclosure", headers=acting(sender)),
        await network.http.get(f"{path}/subject/disclosure", headers=as_role("coordinator")),
    ]
    assert [a.status_code for a in answers] == [200] * 5
    assert [a for a in answers if marker in a.text] == []
    assert referral_id in answers[2].text

    stored = await _stored(referrals_settings)
    assert [d for d in stored[SUBJECT_KEYS] if d["_id"] == referral_id] == []
    (document,) = [d for d in stored["referrals"] if d["_id"] == referral_id]
    assert "sealed" not in document
    everything = b"".join(bson.encode(d) for documents in stored.values() for d in documents)
    assert marker.encode() not in everything

    closed = await network.act(referral_id, "close", sender, {"outcome": "withdrawn"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["subject"] is None


async def test_erasing_again_answers_the_same_and_emits_one_event(network: Network) -> None:
    referral_id, sender, receiver = await _marked_referral(network, uuid.uuid4().hex)
    url = f"/v1/referrals/{referral_id}/subject/erase"
    first = await network.http.post(url, json=ERASE, headers=acting(sender))
    again = await network.http.post(url, json={"reason": "other"}, headers=acting(sender))
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["version"] == first.json()["version"]
    assert again.json()["erasure"] == first.json()["erasure"]

    records = await collect(
        network.bootstrap,
        REFERRAL_EVENTS,
        until=lambda rs: bool(_erase_events(referral_id, rs)),
        timeout=60,
    )
    assert len(_erase_events(referral_id, records)) == 1
    (event,) = {
        headers_of(r)["ce_id"]: r
        for r in records
        if r.key == referral_id.encode() and headers_of(r).get("ce_type") == ERASED
    }.values()
    data = json.loads(event.value)
    assert (data["reason"], data["actor_agency_id"]) == ("subject_request", sender)
    assert sorted(data["parties"]) == sorted([sender, receiver])
    assert "subject" not in data


async def test_the_coordinator_erases_and_other_agencies_are_refused(network: Network) -> None:
    referral_id, sender, receiver = await _marked_referral(network, uuid.uuid4().hex)
    url = f"/v1/referrals/{referral_id}/subject/erase"
    stranger = fresh_id()
    refused = {
        "asked agency": await network.http.post(url, json=ERASE, headers=acting(receiver)),
        "stranger": await network.http.post(url, json=ERASE, headers=acting(stranger)),
        "auditor": await network.http.post(url, json=ERASE, headers=as_role("auditor")),
        "retention by hand": await network.http.post(
            url, json={"reason": "retention"}, headers=acting(sender)
        ),
    }
    assert {k: v.status_code for k, v in refused.items()} == {
        "asked agency": 403,
        "stranger": 404,
        "auditor": 403,
        "retention by hand": 422,
    }
    shown = await network.http.get(f"/v1/referrals/{referral_id}", headers=acting(sender))
    assert shown.json()["subject"] is not None

    erased = await network.http.post(url, json=ERASE, headers=as_role("coordinator"))
    assert erased.status_code == 200, erased.text
    assert erased.json()["erasure"]["by"].startswith("coordinator:")


async def test_a_replica_that_cached_the_key_no_longer_shows_the_data(
    network: Network, replica: httpx.AsyncClient, referrals_settings: ReferralsSettings
) -> None:
    marker = uuid.uuid4().hex
    referral_id, sender, _ = await _marked_referral(network, marker)
    path = f"/v1/referrals/{referral_id}"
    # The holder (the decliner may no longer see the person) reads: the replica caches the key.
    before = await replica.get(path, headers=acting(sender))
    assert marker in before.text

    erased = await network.http.post(f"{path}/subject/erase", json=ERASE, headers=acting(sender))
    assert erased.status_code == 200, erased.text
    after = [
        await replica.get(path, headers=acting(sender)),
        await replica.get(f"{path}/subject/disclosure", headers=acting(sender)),
        await replica.get("/v1/referrals", headers=acting(sender)),
    ]
    assert [a.status_code for a in after] == [200, 200, 200]
    assert [a for a in after if marker in a.text] == []
    assert after[0].json()["erasure"]["by"] == sender
    # A change made on the replica keeps the referral erased and makes no new key.
    closed = await replica.post(
        f"{path}/close", json={"outcome": "withdrawn"}, headers=acting(sender)
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["subject"] is None
    stored = await _stored(referrals_settings)
    assert [d for d in stored[SUBJECT_KEYS] if d["_id"] == referral_id] == []
    (document,) = [d for d in stored["referrals"] if d["_id"] == referral_id]
    assert "sealed" not in document
