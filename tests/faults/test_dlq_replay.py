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


async def _park(bootstrap: str, topic: str, ids: list[str], first_offset: int) -> None:
    producer = AIOKafkaProducer(**kafka_options(bootstrap), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for n, event_id in enumerate(ids):
            headers = _parked_headers(topic, first_offset + n, event_id)
            value = f'{{"n": {first_offset + n}}}'.encode()
            await producer.send_and_wait(
                dead_letter_topic(topic), value, key=b"ref-1", headers=headers
            )
    finally:
        await producer.stop()


async def _replay(bootstrap: str, topic: str) -> int:
    async with DeadLetters(kafka_login_for(bootstrap), topic) as letters:
        return await letters.replay()


async def test_replay_brings_parked_events_back_once_and_a_second_replay_adds_nothing(
    endpoints: Endpoints,
) -> None:
    bootstrap = endpoints.kafka_bootstrap_servers
    topic = f"tsunagu.faults.replay-{uuid.uuid4().hex[:8]}"
    ids = [str(uuid.uuid4()) for _ in range(3)]
    await _park(bootstrap, topic, ids, first_offset=10)

    async with DeadLetters(kafka_login_for(bootstrap), topic) as letters:
        parked = await letters.parked()
    assert [(p.original_topic, p.original_offset, p.event_id) for p in parked] == [
        (topic, 10 + n, event_id) for n, event_id in enumerate(ids)
    ]
    assert {(p.reason, p.attempts, p.replayed) for p in parked} == {("handler_error", 3, False)}

    assert await _replay(bootstrap, topic) == 3
    back = await read_whole_topic(bootstrap, topic)
    assert [dict(r.headers)["ce_id"].decode() for r in back] == ids
    assert [r.key for r in back] == [b"ref-1"] * 3
    assert [r.value for r in back] == [f'{{"n": {10 + n}}}'.encode() for n in range(3)]
    assert not [h for r in back for h, _ in r.headers if h.startswith("x-tsunagu-dlq-")]

    assert await _replay(bootstrap, topic) == 0, "a second replay duplicates nothing"
    later = str(uuid.uuid4())
    await _park(bootstrap, topic, [later], first_offset=20)
    assert await _replay(bootstrap, topic) == 1, "only what was parked since"
    again = await read_whole_topic(bootstrap, topic)
    assert [dict(r.headers)["ce_id"].decode() for r in again] == [*ids, later]


async def test_dlq_list_shows_where_each_parked_event_came_from_and_why(
    endpoints: Endpoints,
) -> None:
    bootstrap = endpoints.kafka_bootstrap_servers
    topic = f"tsunagu.faults.list-{uuid.uuid4().hex[:8]}"
    event_id = str(uuid.uuid4())
    await _park(bootstrap, topic, [event_id], first_offset=7)
    runner = CliRunner()
    args = ["dlq", "list", topic, "--bootstrap-servers", bootstrap]
    env = {"COLUMNS": "300", **login_env(kafka_login_for(bootstrap))}  # the operator's login
    result = await asyncio.to_thread(runner.invoke, app, args, env=env)
    assert result.exit_code == 0, result.output
    assert f"{topic}[0]@7" in result.output
    assert "store rejected it" in result.output
    assert event_id in result.output
    assert "1 parked, 1 not replayed yet" in result.output
