"""`tsunagu dlq list|replay` against the real Kafka: parked events go back once, and only once."""

from __future__ import annotations

import asyncio
import uuid

from aiokafka import AIOKafkaProducer
from typer.testing import CliRunner

from tests.infra import Endpoints, kafka_login_for, kafka_options
from tests.integration.kafka_positions import read_whole_topic
from tsunagu.messaging import dead_letter
from tsunagu.messaging.login import login_env
from tsunagu_ops.cli.main import app
from tsunagu_ops.replay import DeadLetters
from tsunagu_schemas.topics import dead_letter_topic


def _parked_headers(topic: str, offset: int, event_id: str) -> list[tuple[str, bytes]]:
    headers = {
        "ce_id": event_id,
        "ce_type": "tsunagu.referral.created",
        dead_letter.REASON: "handler_error",
        dead_letter.ERROR: "RuntimeError('store rejected it')",
        dead_letter.ATTEMPTS: "3",
        dead_letter.ORIGINAL_TOPIC: topic,
        dead_letter.ORIGINAL_PARTITION: "0",
        dead_letter.ORIGINAL_OFFSET: str(offset),
        dead_letter.CONSUMER_GROUP: "faults-audit",
    }
    return [(name, value.encode()) for name, value in headers.items()]


async def _publish(bootstrap: str, topic: str, values: list[bytes]) -> list[int]:
    """Publish the originals onto `topic` (partition 0); return their offsets."""
    producer = AIOKafkaProducer(**kafka_options(bootstrap), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        sent = [
            await producer.send_and_wait(topic, value, key=b"ref-1", partition=0)
            for value in values
        ]
    finally:
        await producer.stop()
    return [metadata.offset for metadata in sent]


async def _park(
    bootstrap: str,
    topic: str,
    ids: list[str],
    *,
    offsets: list[int],
    values: list[bytes],
    named_topic: str | None = None,
) -> None:
    """Park copies in the dead-letter topic, as a consumer does, naming where each came from."""
    producer = AIOKafkaProducer(**kafka_options(bootstrap), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for event_id, offset, value in zip(ids, offsets, values, strict=True):
            headers = _parked_headers(named_topic or topic, offset, event_id)
            await producer.send_and_wait(
                dead_letter_topic(topic), value, key=b"ref-1", headers=headers
            )
    finally:
        await producer.stop()


async def _fail_and_park(bootstrap: str, topic: str, ids: list[str], first: int) -> list[bytes]:
    """Publish events, then park them as their consumer would have; return their values."""
    values = [f'{{"n": {first + n}}}'.encode() for n in range(len(ids))]
    offsets = await _publish(bootstrap, topic, values)
    await _park(bootstrap, topic, ids, offsets=offsets, values=values)
    return values


async def _replay(bootstrap: str, topic: str) -> int:
    async with DeadLetters(kafka_login_for(bootstrap), topic) as letters:
        return await letters.replay()


async def test_replay_brings_parked_events_back_once_and_a_second_replay_adds_nothing(
    endpoints: Endpoints,
) -> None:
    bootstrap = endpoints.kafka_bootstrap_servers
    topic = f"tsunagu.faults.replay-{uuid.uuid4().hex[:8]}"
    ids = [str(uuid.uuid4()) for _ in range(3)]
    values = await _fail_and_park(bootstrap, topic, ids, first=10)

    async with DeadLetters(kafka_login_for(bootstrap), topic) as letters:
        parked = await letters.parked()
    assert [(p.original_topic, p.original_offset, p.event_id) for p in parked] == [
        (topic, n, event_id) for n, event_id in enumerate(ids)
    ]
    assert {(p.reason, p.attempts, p.replayed) for p in parked} == {("handler_error", 3, False)}

    assert await _replay(bootstrap, topic) == 3
    back = [r for r in await read_whole_topic(bootstrap, topic) if r.headers]  # not originals
    assert [dict(r.headers)["ce_id"].decode() for r in back] == ids
    assert [r.key for r in back] == [b"ref-1"] * 3
    assert [r.value for r in back] == values
    assert not [h for r in back for h, _ in r.headers if h.startswith("x-tsunagu-dlq-")]

    assert await _replay(bootstrap, topic) == 0, "a second replay duplicates nothing"
    later = str(uuid.uuid4())
    await _fail_and_park(bootstrap, topic, [later], first=20)
    assert await _replay(bootstrap, topic) == 1, "only what was parked since"
    again = await read_whole_topic(bootstrap, topic)
    replayed = [dict(r.headers)["ce_id"].decode() for r in again if r.headers]
    assert replayed == [*ids, later]


async def test_a_forged_parked_record_is_refused_and_published_nowhere(
    endpoints: Endpoints,
) -> None:
    bootstrap = endpoints.kafka_bootstrap_servers
    topic = f"tsunagu.faults.forged-{uuid.uuid4().hex[:8]}"
    elsewhere = f"tsunagu.faults.target-{uuid.uuid4().hex[:8]}"
    (offset,) = await _publish(bootstrap, topic, [b'{"n": 1}'])
    await _publish(bootstrap, elsewhere, [b'{"seed": true}'])
    forged = [str(uuid.uuid4()) for _ in range(3)]
    # another topic named; bytes not those kept at the offset named; an offset never written
    await _park(
        bootstrap, topic, forged[:1], offsets=[offset], values=[b'{"n": 1}'], named_topic=elsewhere
    )
    await _park(bootstrap, topic, forged[1:2], offsets=[offset], values=[b'{"agency": "forged"}'])
    await _park(bootstrap, topic, forged[2:], offsets=[offset + 50], values=[b'{"n": 1}'])

    async with DeadLetters(kafka_login_for(bootstrap), topic) as letters:
        assert await letters.replay() == 0
        reasons = [refusal.reason for refusal in letters.refused]
    assert len(reasons) == 3
    assert "another topic" in reasons[0]
    assert "differs from the original" in reasons[1]
    assert "no longer kept" in reasons[2]
    assert len(await read_whole_topic(bootstrap, topic)) == 1, "nothing added to its topic"
    assert len(await read_whole_topic(bootstrap, elsewhere)) == 1, "nor to the one it named"
    assert await _replay(bootstrap, topic) == 0, "refused records are passed, not retried"


async def test_dlq_list_shows_where_each_parked_event_came_from_and_why(
    endpoints: Endpoints,
) -> None:
    bootstrap = endpoints.kafka_bootstrap_servers
    topic = f"tsunagu.faults.list-{uuid.uuid4().hex[:8]}"
    event_id = str(uuid.uuid4())
    await _fail_and_park(bootstrap, topic, [event_id], first=7)
    runner = CliRunner()
    args = ["dlq", "list", topic, "--bootstrap-servers", bootstrap]
    env = {"COLUMNS": "300", **login_env(kafka_login_for(bootstrap))}  # the operator's login
    result = await asyncio.to_thread(runner.invoke, app, args, env=env)
    assert result.exit_code == 0, result.output
    assert f"{topic}[0]@0" in result.output
    assert "store rejected it" in result.output
    assert event_id in result.output
    assert "1 parked, 1 not replayed yet" in result.output
