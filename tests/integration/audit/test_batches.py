"""Events arriving together are recorded as one batch: duplicates absorbed, poison parked."""

from __future__ import annotations

from typing import Any

from aiokafka.structs import ConsumerRecord

from services.audit.adapters.mongo import MongoAuditLog
from services.audit.main import create_app
from services.audit.settings import AuditSettings
from services.audit.use_cases import RecordEvent
from tests.access import PrincipalAuth, TestIssuer
from tests.integration.audit.sample_events import fresh_id, records_of, referral_data
from tests.integration.audit.test_auditing import log_verifier, observed_event, stored
from tests.integration.harness import eventually, headers_of, publish_event, publish_raw, running
from tests.integration.kafka_positions import end_offsets, read_from
from tsunagu.events import new_event_id
from tsunagu.messaging.dead_letter import CONSUMER_GROUP, REASON
from tsunagu_schemas.topics import REFERRAL_EVENTS, dead_letter_topic


async def test_a_batch_with_repeated_and_already_recorded_events_records_each_once(
    audit_settings: AuditSettings,
) -> None:
    client, collection = await stored(audit_settings)
    try:
        audit_log = MongoAuditLog(collection=collection)
        await audit_log.ensure_indexes()
        record_event = RecordEvent(audit_log=audit_log)
        first, second, third, fourth = (observed_event(n) for n in range(4))
        await record_event(second)

        recorded = await record_event.many([first, second, first, third, second, fourth])

        assert [r.event_id for r in recorded.records] == [
            first.event_id,
            third.event_id,
            fourth.event_id,
        ]
        assert recorded.duplicates == 3
        assert await collection.count_documents({}) == 4
        result = await log_verifier(audit_settings, client, audit_log)()
        assert result.ok, result.reason
        assert result.records == 4
    finally:
        await client.close()


async def test_a_backlog_with_poison_and_redeliveries_is_recorded_once_in_order_and_parked(
    audit_settings: AuditSettings,
    test_issuer: TestIssuer,
) -> None:
    bootstrap = audit_settings.kafka_bootstrap_servers
    dead_letters = await end_offsets(bootstrap, [dead_letter_topic(REFERRAL_EVENTS)])
    referral_id, repeated_id, poison_id = fresh_id("referral"), new_event_id(), new_event_id()
    data = referral_data(referral_id=referral_id)
    story: list[str] = []
    # all published before the service starts, so that they reach it in one batch
    for event_id in (repeated_id, repeated_id, None, repeated_id):
        if event_id is None:
            await _publish_poison(bootstrap, referral_id=referral_id, event_id=poison_id)
        published = await publish_event(
            bootstrap,
            event_type="tsunagu.referral.accepted",
            subject=referral_id,
            data=data,
            event_id=event_id,
        )
        story.append(published["event_id"])

    async with running(create_app(audit_settings), PrincipalAuth(test_issuer, "auditor")) as http:

        async def all_recorded() -> list[dict[str, Any]] | None:
            found = await records_of(http, referral_id=referral_id)
            return found if len(found) >= 2 else None

        records = await eventually(all_recorded, timeout=30, interval=0.2)
        assert [r["event_id"] for r in records] == [repeated_id, story[2]]
        assert (await http.get("/v1/audit/verify")).json()["ok"] is True

    # Any other consumer of the topic at that moment parks the same poison under its own group.
    def ours(found: list[ConsumerRecord[Any, Any]]) -> list[dict[str, str]]:
        headers = [headers_of(r) for r in found]
        group = audit_settings.consumer_group
        return [h for h in headers if h.get("ce_id") == poison_id and h[CONSUMER_GROUP] == group]

    dead = await read_from(bootstrap, dead_letters, until=lambda found: bool(ours(found)))
    assert [h[REASON] for h in ours(dead)] == ["invalid"]


async def _publish_poison(bootstrap: str, *, referral_id: str, event_id: str) -> None:
    """A referral event whose body is not JSON."""
    await publish_raw(
        bootstrap,
        topic=REFERRAL_EVENTS,
        key=referral_id.encode(),
        value=b'{"referral_id": ',
        headers={
            "ce_specversion": "1.0",
            "ce_id": event_id,
            "ce_source": "urn:tsunagu:referrals",
            "ce_type": "tsunagu.referral.accepted",
            "ce_time": "2026-04-01T09:00:00Z",
            "ce_subject": referral_id,
            "content-type": "application/json",
        },
    )
