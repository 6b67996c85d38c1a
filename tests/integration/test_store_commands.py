"""Every command a service's store client sends is counted by name on /metrics."""

from __future__ import annotations

import uuid

from prometheus_client import REGISTRY

from tests.infra import Endpoints
from tsunagu.store import make_client


def _sent(command: str) -> float:
    value = REGISTRY.get_sample_value("tsunagu_store_commands_total", {"command": command})
    return value or 0.0


async def test_each_round_trip_to_the_store_is_counted_by_command(endpoints: Endpoints) -> None:
    # Services of other tests share this process's counter; these commands are used by none.
    client = make_client(endpoints.mongo_url)
    database = client[f"test_commands_{uuid.uuid4().hex[:8]}"]
    try:
        await database.things.insert_one({"_id": "a", "kind": "x"})
        distinct, indexes = _sent("distinct"), _sent("listIndexes")
        assert await database.things.distinct("kind") == ["x"]
        assert await database.things.distinct("kind", {"_id": "a"}) == ["x"]
        assert "_id_" in await database.things.index_information()
        assert _sent("distinct") - distinct == 2
        assert _sent("listIndexes") - indexes == 1
    finally:
        await client.drop_database(database.name)
        await client.close()
