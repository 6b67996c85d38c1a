"""Auditors search, verify and export the log; a record altered in the store is found."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient
from typer.testing import CliRunner

from services.audit.adapters.checkpoint_store import MongoCheckpointStore
from services.audit.adapters.mongo import COLLECTION, MongoAuditLog
from services.audit.domain import ObservedEvent
from services.audit.main import log_signing_key
from services.audit.settings import AuditSettings
from services.audit.use_cases import RecordEvent, VerifyLog, verify_export
from tests.integration.audit.sample_events import (
    AuditService,
    agency_data,
    fresh_id,
    recorded,
    records_of,
    referral_data,
)
from tests.integration.harness import eventually, publish_event
from tsunagu_ops.cli.main import app as command_line
from tsunagu_schemas.topics import REFERRAL_EVENTS


async def publish_referral_story(audit: AuditService, *, referral_id: str, agency_id: str) -> None:
    """A referral created, then accepted, plus an unrelated agency registering."""
    bootstrap = audit.settings.kafka_bootstrap_servers
    for event_type in ("tsunagu.referral.created", "tsunagu.referral.accepted"):
        await publish_event(
            bootstrap,
            event_type=event_type,
            subject=referral_id,
            data=referral_data(referral_id=referral_id, actor=agency_id),
        )
    await publish_event(
        bootstrap,
        event_type="tsunagu.agency.registered",
        subject=fresh_id("agency"),
        data=agency_data(agency_id=fresh_id("agency")),
    )


async def stored(settings: AuditSettings) -> Any:
    """The collection holding the service's records, reached around the service."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url)
    return client, client[settings.database][COLLECTION]


def log_verifier(settings: AuditSettings, client: Any, audit_log: MongoAuditLog) -> VerifyLog:
    """A verifier of the stored log, as the service builds it."""
    return VerifyLog(
        audit_log=audit_log,
        checkpoints=MongoCheckpointStore(database=client[settings.database]),
        log_key=log_signing_key(settings).verifier(),
        batch_size=5,
    )


async def signed_checkpoint(audit: AuditService, *, size: int) -> str:
    """The latest checkpoint once it covers at least `size` records."""

    async def issued() -> str | None:
        response = await audit.http.get("/v1/audit/checkpoint")
        if response.status_code != 200:
            return None
        return response.text if int(response.text.split("\n")[1]) >= size else None

    found: str = await eventually(issued, timeout=30.0, interval=0.2)
    return found


async def test_records_are_found_by_referral_agency_type_and_time(audit: AuditService) -> None:
    referral_id, agency_id = fresh_id("referral"), fresh_id("agency")
    before = datetime.now(UTC) - timedelta(seconds=1)
    await publish_referral_story(audit, referral_id=referral_id, agency_id=agency_id)
    await recorded(audit.http, count=2, referral_id=referral_id)
    after = datetime.now(UTC) + timedelta(seconds=1)

    by_agency = await records_of(audit.http, agency_id=agency_id)
    assert [r["type"] for r in by_agency] == [
        "tsunagu.referral.created",
        "tsunagu.referral.accepted",
    ]
    accepted = await records_of(audit.http, agency_id=agency_id, type="tsunagu.referral.accepted")
    assert [r["referral_id"] for r in accepted] == [referral_id]
    window = {"referral_id": referral_id, "since": before.isoformat(), "until": after.isoformat()}
    assert len(await records_of(audit.http, **window)) == 2
    assert await records_of(audit.http, referral_id=referral_id, until=before.isoformat()) == []

    first = (
        await audit.http.get("/v1/audit/records", params={"referral_id": referral_id, "limit": 1})
    ).json()
    assert first["next_after_seq"] == first["items"][0]["seq"]
    rest = await audit.http.get(
        "/v1/audit/records",
        params={"referral_id": referral_id, "after_seq": first["next_after_seq"]},
    )
    assert [r["type"] for r in rest.json()["items"]] == ["tsunagu.referral.accepted"]
    assert rest.json()["next_after_seq"] is None


async def test_an_invalid_search_is_a_problem_naming_the_field(audit: AuditService) -> None:
    response = await audit.http.get("/v1/audit/records", params={"limit": 0, "since": "soon"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"query.limit", "query.since"}


async def test_an_export_verifies_offline_with_the_function_and_the_command(
    audit: AuditService, tmp_path: Path
) -> None:
    referral_id = fresh_id("referral")
    await publish_referral_story(audit, referral_id=referral_id, agency_id=fresh_id("agency"))
    await recorded(audit.http, count=2, referral_id=referral_id)
    await recorded(audit.http, count=3)
    checkpoint = tmp_path / "checkpoint.txt"
    checkpoint.write_text(await signed_checkpoint(audit, size=3), encoding="utf-8")
    vkey = (await audit.http.get("/v1/audit/verifier-key")).text.strip()

    response = await audit.http.get("/v1/audit/export", params={"format": "jsonl"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = response.content.splitlines(keepends=True)
    result = verify_export(lines)
    assert result.ok
    assert result.records == len(lines) >= 3
    export = tmp_path / "audit.jsonl"
    export.write_bytes(response.content)
    command = ["audit", "verify", str(export), "--checkpoint", str(checkpoint), "--key", vkey]
    outcome = CliRunner().invoke(command_line, command)
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.startswith(f"ok: {result.records} records, root ")

    altered = json.loads(lines[1])
    altered["time"] = "2020-01-01T00:00:00.000000Z"
    lines[1] = json.dumps(altered).encode() + b"\n"
    export.write_bytes(b"".join(lines))
    outcome = CliRunner().invoke(command_line, command)
    assert outcome.exit_code == 1
    assert "first bad index 1 (seq 2)" in outcome.output
    assert "canonical" in outcome.output


async def test_a_csv_export_has_a_header_and_one_row_per_record(audit: AuditService) -> None:
    referral_id = fresh_id("referral")
    await publish_referral_story(audit, referral_id=referral_id, agency_id=fresh_id("agency"))
    records = await recorded(audit.http, count=3)
    response = await audit.http.get("/v1/audit/export", params={"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = response.text.splitlines()
    assert rows[0].startswith("seq,event_id,type,")
    assert len(rows) - 1 >= len(records)


async def test_a_record_altered_in_the_store_is_reported_as_the_first_bad_seq(
    audit: AuditService,
) -> None:
    referral_id = fresh_id("referral")
    await publish_referral_story(audit, referral_id=referral_id, agency_id=fresh_id("agency"))
    records = await recorded(audit.http, count=2, referral_id=referral_id)
    client, collection = await stored(audit.settings)
    try:
        await collection.update_one({"seq": records[1]["seq"]}, {"$set": {"actor": "nobody"}})
        verification = (await audit.http.get("/v1/audit/verify")).json()
        assert verification["ok"] is False
        assert verification["first_bad_seq"] == records[1]["seq"]
        assert "altered record" in verification["reason"]

        await collection.delete_one({"seq": records[0]["seq"]})
        verification = (
            await audit.http.get("/v1/audit/verify", params={"from_start": True})
        ).json()
        assert verification["first_bad_seq"] == records[0]["seq"]
        assert "missing" in verification["reason"]
    finally:
        await client.close()


async def test_replicas_appending_at_once_build_one_tree_without_forks(
    audit_settings: AuditSettings,
) -> None:
    client, collection = await stored(audit_settings)
    try:
        logs = [MongoAuditLog(collection=collection) for _ in range(2)]
        await logs[0].ensure_indexes()
        replicas = [RecordEvent(audit_log=log) for log in logs]
        events = [observed_event(number) for number in range(12)]
        # every event reaches both replicas, as after a rebalance, in different orders
        await asyncio.gather(
            *(replicas[0](e) for e in events), *(replicas[1](e) for e in reversed(events))
        )
        result = await log_verifier(audit_settings, client, logs[0])()
        assert result.ok, result.reason
        assert result.records == len(events)
        assert await collection.count_documents({}) == len(events)
    finally:
        await client.close()


async def test_the_service_is_ready_when_kafka_and_the_store_answer(audit: AuditService) -> None:
    response = await audit.http.get("/readyz")
    assert response.json() == {"ready": True, "checks": {"store": "ok", "kafka": "ok"}}


def observed_event(number: int) -> ObservedEvent:
    """A distinct referral event, as a replica would receive it."""
    referral_id = fresh_id("referral")
    return ObservedEvent(
        event_id=f"{referral_id}-{number}",
        type="tsunagu.referral.created",
        source="urn:tsunagu:referrals",
        subject=referral_id,
        time=datetime.now(UTC),
        topic=REFERRAL_EVENTS,
        data=referral_data(referral_id=referral_id).model_dump(),
    )
