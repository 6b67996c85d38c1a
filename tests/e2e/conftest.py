"""The whole system as processes: the four services on free ports, on the real infrastructure."""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import bson
import pytest

from services.directory import register_first_client
from tests.access import DirectoryTokens
from tests.e2e.webhook_receiver import WebhookReceiver
from tests.infra import Endpoints
from tests.integration.kafka_positions import end_offsets
from tsunagu.store import make_client
from tsunagu_ops.localstack.ports import free_port
from tsunagu_ops.localstack.processes import ProcessHandle, StopOutcome, handle_alive, stop_all
from tsunagu_ops.localstack.services import (
    SERVICES,
    service_env,
    start_service,
    wait_service_ready,
)
from tsunagu_schemas.topics import EVENT_TOPICS

# Each service's shutdown steps are bounded (10 s each): SIGTERM must end it within this.
STOP_TIMEOUT = 45.0
SUBJECT = {"display_name": "山田 花子", "contact": "090-1234-5678", "birth_year": 1987}
MARKER = f"marker-{uuid.uuid4().hex}"
"""A string only this run's note holds: found anywhere outside the sealed value, it leaked."""
NOTE = f"Lives alone; asked for help with meals ({MARKER})."
PERSONAL = ("山田", "花子", "090-1234-5678", "Lives alone", MARKER)
"""What of the person the journey sends, none of which may leave the referrals' store."""
SKIPPED_FOLDERS = frozenset({"libs", "store-env"})
"""Programs, not data: the Kafka jars and the store's own environment."""


@dataclass(frozen=True)
class System:
    """Base URLs of the running services, and the infrastructure they use."""

    urls: dict[str, str]
    endpoints: Endpoints
    run_id: str
    tokens: DirectoryTokens


@pytest.fixture(scope="module")
def service_settings() -> dict[str, str]:
    """Settings added to every service's environment (a test module may override this)."""
    return {}


@pytest.fixture(scope="module")
def system(
    endpoints: Endpoints,
    tmp_path_factory: pytest.TempPathFactory,
    service_settings: dict[str, str],
) -> Iterator[System]:
    """Start directory, referrals, notifications and audit as processes; stop them after."""
    run_id = uuid.uuid4().hex[:8]
    logs: Path = tmp_path_factory.mktemp("service-logs")
    keys: Path = tmp_path_factory.mktemp("issuer-keys")
    handles: list[ProcessHandle] = []
    urls: dict[str, str] = {}
    ports = {spec.name: free_port() for spec in SERVICES}
    issuer = next(s for s in SERVICES if s.name == "directory").base_url(ports["directory"])
    first = asyncio.run(
        register_first_client(mongo_url=endpoints.mongo_url, database=f"e2e_directory_{run_id}")
    )
    assert first.client_secret is not None
    tokens = DirectoryTokens(issuer, (first.client.client_id, first.client_secret))
    try:
        for spec in SERVICES:
            port = ports[spec.name]
            env = service_env(
                spec.name,
                kafka_bootstrap_servers=endpoints.kafka_bootstrap_servers,
                mongo_url=endpoints.mongo_url,
                port=port,
                database=f"e2e_{spec.name}_{run_id}",
                kafka_login=endpoints.kafka_login,
                issuer=issuer,
                issuer_keys=keys,
            )
            env[f"{spec.env_prefix}CONSUMER_GROUP"] = f"e2e-{spec.name}-{run_id}"
            env |= service_settings
            if spec.name == "notifications":  # as outside development, receivers allowlisted
                env["TSUNAGU_ENVIRONMENT"] = "staging"
                env["TSUNAGU_WEBHOOK_ALLOWED_HOSTS"] = "127.0.0.1"
                env[f"{spec.env_prefix}WEBHOOK_SECRETS_KEY"] = base64.b64encode(
                    os.urandom(32)
                ).decode()
            # The topics are shared by every run: start at their end, not in their history.
            asyncio.run(
                end_offsets(
                    endpoints.kafka_bootstrap_servers,
                    EVENT_TOPICS,
                    group_id=f"e2e-{spec.name}-{run_id}",
                )
            )
            handle = start_service(spec.name, env, logs / f"{spec.name}.log")
            handles.append(handle)
            urls[spec.name] = spec.base_url(port)
        for handle in handles:
            wait_service_ready(handle, urls[handle.name], timeout=90)
        yield System(urls=urls, endpoints=endpoints, run_id=run_id, tokens=tokens)
    finally:
        # SIGTERM, then SIGKILL after the bound: stop_all raises naming any that outlived both.
        outcomes = stop_all(list(reversed(handles)), {}, default=STOP_TIMEOUT)
        assert not [h.name for h in handles if handle_alive(h)], "a service survived its stop"
        assert set(outcomes.values()) <= {StopOutcome.TERMINATED}, (
            f"not stopped by SIGTERM: {outcomes}"
        )
        # Every line the services wrote is in their logs now that they have exited.
        if len(handles) == len(SERVICES):
            _assert_no_personal_data_in(logs)
            asyncio.run(_assert_no_personal_data_stored(endpoints, run_id))


def _assert_no_personal_data_in(logs: Path) -> None:
    logged = {path.name: path.read_text(errors="replace") for path in logs.glob("*.log")}
    assert set(logged) == {f"{spec.name}.log" for spec in SERVICES}
    leaked = sorted(name for name, text in logged.items() if any(p in text for p in PERSONAL))
    assert leaked == [], f"the person's data is in the logs: {leaked}"


async def _assert_no_personal_data_stored(endpoints: Endpoints, run_id: str) -> None:
    """Read every document of every database, and every file of the data folders, raw: the
    marker of this run's note is in none of them, while a referral id (kept in the clear) is,
    which shows the reading sees what was stored."""
    client = make_client(endpoints.mongo_url)
    try:
        referral = await client[f"e2e_referrals_{run_id}"]["referrals"].find_one({})
        assert referral is not None, "the journey stored no referral"
        control, documents = str(referral["_id"]).encode(), 0
        for name in await client.list_database_names():
            database = client[name]
            for collection in await database.list_collection_names():
                async for document in database[collection].find({}):
                    documents += 1
                    raw = bson.encode(document)
                    assert MARKER.encode() not in raw, f"the note is stored in {name}.{collection}"
        assert documents > 0
    finally:
        await client.close()
    files = [
        path
        for folder in endpoints.data_folders
        for path in folder.rglob("*")
        if path.is_file() and not SKIPPED_FOLDERS.intersection(path.relative_to(folder).parts)
    ]
    seen, leaked = False, []
    for path in files:
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            continue  # Kafka removed a deleted topic's segment meanwhile
        seen = seen or control in content
        if MARKER.encode() in content:
            leaked.append(str(path))
    assert seen or not endpoints.data_folders, "the referral id is in none of the data files"
    assert leaked == [], f"the person's note is in the clear in {leaked}"


@pytest.fixture
async def webhook_receiver() -> AsyncIterator[WebhookReceiver]:
    """A local HTTP endpoint that records every webhook delivered to it."""
    receiver = WebhookReceiver(port=free_port())
    await receiver.start()
    try:
        yield receiver
    finally:
        await receiver.stop()
