"""Referrals stored in the former shape (one document per change) are taken over at start."""

from __future__ import annotations

from typing import Any

from services.referrals.adapters.referral_store import LEGACY_CHANGES, REFERRALS, MongoReferrals
from services.referrals.adapters.subject_vault import SUBJECT_KEYS, SubjectVault, subject_key
from services.referrals.settings import ReferralsSettings
from tests.integration.referrals.network import Network, fresh_id
from tsunagu.outbox import OUTBOX_FIELD
from tsunagu.store import make_client


def _change(state: dict[str, Any], pending: list[dict[str, Any]]) -> dict[str, Any]:
    """A change document as the former shape kept it."""
    referral = {k: v for k, v in state.items() if k != OUTBOX_FIELD}
    return {
        "_id": f"{state['_id']}:{state['version']:010d}",
        "referral_id": state["_id"],
        "version": state["version"],
        "referral": referral,
        OUTBOX_FIELD: pending,
    }


async def test_a_referral_behind_its_changes_is_brought_up_to_date_with_its_pending_event(
    network: Network, referrals_settings: ReferralsSettings
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    referral_id = (await network.refer(sender, receiver))["id"]
    client = make_client(referrals_settings.mongo_url)
    service_db = client[referrals_settings.database]
    # A database of its own, so that the running service's relay never sees the made-up event.
    database = client[f"{referrals_settings.database}_former"]
    try:
        first = await service_db[REFERRALS].find_one({"_id": referral_id})
        accepted = await network.act(referral_id, "accept", receiver)
        assert accepted.status_code == 200, accepted.text
        second = await service_db[REFERRALS].find_one({"_id": referral_id})
        key = await service_db[SUBJECT_KEYS].find_one({"_id": referral_id})
        assert first is not None
        assert second is not None
        assert key is not None
        assert (first["version"], second["version"]) == (1, 2)
        await database[SUBJECT_KEYS].insert_one(key)
        pending_event = {"event_id": "former-shape-event", "topic": "t", "key": referral_id}
        # As a crash of the former shape left it: the change of version 2 stored with its event
        # pending, the copy the lists read still at version 1.
        await database[REFERRALS].insert_one({k: v for k, v in first.items() if k != OUTBOX_FIELD})
        await database[LEGACY_CHANGES].insert_many(
            [_change(first, []), _change(second, [pending_event])]
        )
        store = MongoReferrals(
            database=database,
            vault=SubjectVault.over(database, subject_key(referrals_settings)),
            on_write=lambda: None,
        )

        assert await store.take_over_legacy() == 1
        taken = await database[REFERRALS].find_one({"_id": referral_id})
        assert taken is not None
        assert taken["version"] == 2
        assert taken[OUTBOX_FIELD] == [pending_event]
        assert LEGACY_CHANGES not in await database.list_collection_names()
        referral = await store.get(referral_id)
        assert referral is not None
        assert (referral.version, referral.status.value) == (2, "accepted")
        assert await store.take_over_legacy() == 0  # nothing left: a restart does nothing
    finally:
        await client.drop_database(database.name)
        await client.close()
