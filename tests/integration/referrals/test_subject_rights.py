"""The person's rights through the API: disclosure of everything held (alone or with the
household) and correction, for the holder or the coordinator."""

from __future__ import annotations

import json
import uuid
from typing import Any

import bson

from services.referrals.settings import ReferralsSettings
from tests.access import as_role
from tests.integration.harness import collect, headers_of
from tests.integration.referrals.network import Network, acting, fresh_id
from tsunagu.store import make_client
from tsunagu_schemas.topics import REFERRAL_EVENTS

CORRECTED = "tsunagu.referral.subject_corrected"


async def _link(network: Network, referral_id: str, other_id: str, agency_id: str) -> None:
    linked = await network.http.post(
        f"/v1/referrals/{referral_id}/links",
        json={"referral_id": other_id},
        headers=acting(agency_id),
    )
    assert linked.status_code == 201, linked.text


async def _raw(settings: ReferralsSettings) -> bytes:
    client = make_client(settings.mongo_url)
    try:
        database = client[settings.database]
        return b"".join(
            [
                bson.encode(document)
                for name in await database.list_collection_names()
                async for document in database[name].find({})
            ]
        )
    finally:
        await client.close()


async def test_the_disclosure_holds_the_referral_and_the_household_the_requester_acts_for(
    network: Network,
) -> None:
    holder, receiver, other_holder = fresh_id(), fresh_id(), fresh_id()
    await network.register(holder, receiver, other_holder)
    first = str((await network.refer(holder, receiver))["id"])
    second = str((await network.refer(holder, receiver, note="二人目"))["id"])
    third = str((await network.refer(other_holder, holder))["id"])  # held by another agency
    await _link(network, first, second, holder)
    await _link(network, first, third, holder)
    url = f"/v1/referrals/{first}/subject/disclosure"

    alone = await network.http.get(url, headers=acting(holder))
    assert alone.status_code == 200, alone.text
    document = alone.json()
    assert (document["referral_id"], document["household"]) == (first, False)
    assert document["produced_for"] == holder
    (only,) = document["referrals"]
    assert only["referral"]["subject"]["display_name"]
    assert only["referral"]["legs"][0]["to_agency_id"] == receiver
    assert [r["to_agency_id"] for r in only["provision_records"]] == [receiver]
    assert only["provision_records"][0]["basis"] == "consent"

    household = await network.http.get(url, params={"household": "true"}, headers=acting(holder))
    assert household.status_code == 200, household.text
    disclosed = [r["referral"]["id"] for r in household.json()["referrals"]]
    assert disclosed == [first, second]
    withheld = household.json()["withheld"]
    assert [(w["id"], w["party"]) for w in withheld] == [(third, True)]
    assert "subject" not in withheld[0]

    everything = await network.http.get(
        url, params={"household": "true"}, headers=as_role("coordinator")
    )
    assert sorted(r["referral"]["id"] for r in everything.json()["referrals"]) == sorted(
        [first, second, third]
    )
    assert everything.json()["produced_for"].startswith("coordinator:")

    refused = [
        await network.http.get(url, headers=acting(receiver)),
        await network.http.get(url, headers=acting(fresh_id())),
        await network.http.get(url, headers=as_role("auditor")),
    ]
    assert [r.status_code for r in refused] == [403, 404, 403]


async def test_a_correction_replaces_the_field_keeps_no_former_value_and_names_it_in_an_event(
    network: Network, referrals_settings: ReferralsSettings
) -> None:
    holder, receiver = fresh_id(), fresh_id()
    await network.register(holder, receiver)
    old, new = f"old-{uuid.uuid4().hex}", f"new-{uuid.uuid4().hex}"
    subject = {"display_name": "訂正 テスト", "contact": old, "birth_year": 1970}
    referral = await network.refer(holder, receiver, subject=subject)
    referral_id = str(referral["id"])
    url = f"/v1/referrals/{referral_id}/subject/correct"
    body: dict[str, Any] = {"subject": {"contact": new}}

    stale = await network.http.post(url, json=body, headers={**acting(holder), "If-Match": '"7"'})
    assert stale.status_code == 412, stale.text
    not_holder = await network.http.post(url, json=body, headers=acting(receiver))
    assert not_holder.status_code == 403
    cleared_name = await network.http.post(
        url, json={"subject": {"display_name": None}}, headers=acting(holder)
    )
    assert cleared_name.status_code == 422

    corrected = await network.http.post(
        url, json=body, headers={**acting(holder), "If-Match": '"1"'}
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.headers["ETag"] == '"2"'
    view = corrected.json()
    assert view["subject"] == {**subject, "contact": new, "languages": [], "area": None}
    unchanged = await network.http.post(url, json=body, headers=as_role("coordinator"))
    assert unchanged.json()["version"] == 2  # nothing differed: no new version, no event

    raw = await _raw(referrals_settings)
    assert old.encode() not in raw
    assert new.encode() not in raw  # sealed, like every personal field

    def corrected_events(records: list[Any]) -> list[Any]:
        return [
            r
            for r in records
            if r.key == referral_id.encode() and headers_of(r).get("ce_type") == CORRECTED
        ]

    records = await collect(
        network.bootstrap, REFERRAL_EVENTS, until=lambda rs: bool(corrected_events(rs)), timeout=60
    )
    events = {headers_of(r)["ce_id"]: r for r in corrected_events(records)}
    (event,) = events.values()
    assert old.encode() not in event.value
    assert new.encode() not in event.value
    data = json.loads(event.value)
    assert (data["corrected_fields"], data["actor_agency_id"]) == (["subject.contact"], holder)

    await network.http.post(
        f"/v1/referrals/{referral_id}/subject/erase",
        json={"reason": "subject_request"},
        headers=acting(holder),
    )
    after = await network.http.post(url, json=body, headers=acting(holder))
    assert after.status_code == 409
