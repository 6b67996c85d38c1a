"""Events from Kafka become audit records: one each, in seq order, poison parked."""

from __future__ import annotations

import json
from typing import Any

from aiokafka.structs import ConsumerRecord

from services.audit.main import create_app
from tests.access import PrincipalAuth, TestIssuer
from tests.integration.audit.sample_events import (
    AuditService,
    agency_data,
    fresh_id,
    notification_data,
    recorded,
    records_of,
    referral_data,
)
from tests.integration.harness import (
    collect,
    eventually,
    headers_of,
    publish_event,
    publish_raw,
    running,
)
from tsunagu.events import new_event_id
from tsunagu.messaging.dead_letter import CONSUMER_GROUP, REASON
from tsunagu_schemas.topics import REFERRAL_EVENTS, dead_letter_topic


async def test_events_of_every_kind_become_records_with_their_data_and_consecutive_seqs(
    audit: AuditService,
) -> None:
    bootstrap = audit.settings.kafka_bootstrap_servers
    referral_id, agency_id = fresh_id("referral"), fresh_id("agency")
    accepted = await publish_event(
        bootstrap,
        event_type="tsunagu.referral.accepted",
        subject=referral_id,
        data=referral_data(referral_id=referral_id, actor="agency-b"),
        service="referrals",
    )
    await publish_event(
        bootstrap,
        event_type="tsunagu.agency.registered",
        subject=agency_id,
        data=agency_data(agency_id=agency_id),
        service="directory",
    )
    await publish_event(
        bootstrap,
        event_type="tsunagu.notification.delivered",
        subject=agency_id,
        data=notification_data(agency_id=agency_id, referral_id=referral_id),
        service="notifications",
    )

    of_agency = await recorded(audit.http, count=2, agency_id=agency_id)
    of_referral = await recorded(audit.http, count=2, referral_id=referral_id)
    by_type = {r["type"]: r for r in of_agency + of_referral}
    assert len(by_type) == 3
    assert by_type["tsunagu.referral.accepted"]["actor"] == "agency-b"
    assert by_type["tsunagu.referral.accepted"]["event_id"] == accepted["event_id"]
    assert by_type["tsunagu.agency.registered"]["actor"] == agency_id
    assert by_type["tsunagu.notification.delivered"]["actor"] == "urn:tsunagu:notifications"

    everything = await records_of(audit.http)
    assert [r["seq"] for r in everything] == list(range(1, len(everything) + 1))
    accepted_record = by_type["tsunagu.referral.accepted"]
    assert accepted_record["data"]["referral_id"] == referral_id
    assert accepted_record["data"]["parties"] == ["agency-a", "agency-b"]
    assert accepted_record["data"]["needs"] == ["housing"]
    verification = (await audit.http.get("/v1/audit/verify")).json()
    # other events of the shared topics may still be arriving: the log can only have grown
    assert verification["ok"] is True
    assert verification["records"] >= len(everything)
    assert set(verification) == {"ok", "records", "root_hash", "checkpoints"}


async def test_an_event_delivered_twice_is_recorded_once(audit: AuditService) -> None:
    bootstrap = audit.settings.kafka_bootstrap_servers
    referral_id, event_id = fresh_id("referral"), new_event_id()
    data = referral_data(referral_id=referral_id)
    for _ in range(2):
        await publish_event(
            bootstrap,
            event_type="tsunagu.referral.accepted",
            subject=referral_id,
            data=data,
            event_id=event_id,
        )
    marker = await publish_event(
        bootstrap,
        event_type="tsunagu.referral.closed",
        subject=referral_id,
        data=referral_data(referral_id=referral_id),
    )

    # the later event on the same partition is recorded only after both copies were handled
    await recorded(audit.http, count=1, referral_id=referral_id, type="tsunagu.referral.closed")
    records = await records_of(audit.http, referral_id=referral_id)
    assert [r["event_id"] for r in records] == [event_id, marker["event_id"]]


async def test_poison_events_are_parked_with_a_reason_and_the_next_event_is_recorded(
    audit: AuditService,
) -> None:
    bootstrap = audit.settings.kafka_bootstrap_servers
    referral_id = fresh_id("referral")
    valid = referral_data(referral_id=referral_id)
    headers = {
        "ce_specversion": "1.0",
        "ce_source": "urn:tsunagu:referrals",
        "ce_type": "tsunagu.referral.accepted",
        "ce_time": "2026-04-01T09:00:00Z",
        "ce_subject": referral_id,
        "content-type": "application/json",
    }
    malformed_id, invalid_id = new_event_id(), new_event_id()
    await publish_raw(
        bootstrap,
        topic=REFERRAL_EVENTS,
        key=referral_id.encode(),
        value=b'{"referral_id": ',
        headers={**headers, "ce_id": malformed_id},
    )
    incomplete = valid.model_dump(mode="json", exclude={"actor_agency_id"})
    await publish_raw(
        bootstrap,
        topic=REFERRAL_EVENTS,
        key=referral_id.encode(),
        value=json.dumps(incomplete).encode(),
        headers={**headers, "ce_id": invalid_id},
    )
    after = await publish_event(
        bootstrap, event_type="tsunagu.referral.closed", subject=referral_id, data=valid
    )

    records = await recorded(audit.http, count=1, referral_id=referral_id)
    assert [r["event_id"] for r in records] == [after["event_id"]]
    group = audit.settings.consumer_group

    def parked(found: list[ConsumerRecord[Any, Any]]) -> bool:
        ours = {headers_of(r).get("ce_id") for r in found if _by(r, group)}
        return {malformed_id, invalid_id} <= ours

    dead = await collect(bootstrap, dead_letter_topic(REFERRAL_EVENTS), until=parked)
    reasons = {headers_of(r)["ce_id"]: headers_of(r)[REASON] for r in dead if _by(r, group)}
    assert reasons[malformed_id] == "invalid"
    assert reasons[invalid_id] == "invalid"
    assert (await audit.http.get("/v1/audit/verify")).json()["ok"] is True


def _by(record: ConsumerRecord[Any, Any], group: str) -> bool:
    """Whether a dead-lettered record was parked by the consumer group `group`."""
    return headers_of(record).get(CONSUMER_GROUP) == group


async def test_two_replicas_on_one_log_record_every_event_once_and_the_log_verifies(
    audit: AuditService, test_issuer: TestIssuer
) -> None:
    """The second replica joins the group: both append to the one sequence, racing for seqs."""
    bootstrap = audit.settings.kafka_bootstrap_servers
    auth = PrincipalAuth(test_issuer, default="auditor")
    async with running(create_app(audit.settings), auth) as replica:
        referral_ids = [fresh_id("referral") for _ in range(12)]
        published = [
            await publish_event(
                bootstrap,
                event_type="tsunagu.referral.accepted",
                subject=referral_id,
                data=referral_data(referral_id=referral_id),
            )
            for referral_id in referral_ids
            for _ in range(2)
        ]
        wanted = {p["event_id"] for p in published}

        async def all_recorded() -> list[dict[str, Any]] | None:
            found = await records_of(audit.http)
            return found if wanted <= {r["event_id"] for r in found} else None

        everything = await eventually(all_recorded, timeout=60, interval=0.3)
        ours = [r["event_id"] for r in everything if r["event_id"] in wanted]
        assert sorted(ours) == sorted(wanted)  # each once
        seqs = [r["seq"] for r in everything]
        assert seqs == list(range(1, len(everything) + 1))

        async def checkpointed() -> int | None:
            """The size of the latest checkpoint once it covers every record seen above."""
            response = await replica.get("/v1/audit/checkpoint")
            size = int(response.text.splitlines()[1]) if response.status_code == 200 else 0
            return size if size >= len(everything) else None

        await eventually(checkpointed, timeout=30, interval=0.3)
        for http in (audit.http, replica):
            verdict = (await http.get("/v1/audit/verify")).json()
            assert verdict["ok"] is True, verdict
            assert verdict["checkpoints"] >= 1, verdict  # the checkpoints both issued match it
