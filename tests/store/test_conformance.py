"""What the services rely on the document store for, checked against the store under the suite.

Runs against the local store in `make test`, and against MongoDB when `TSUNAGU_TEST_MONGO_URL`
names one, so that a change of store cannot silently break a guarantee the code counts on.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from faststream.kafka import KafkaBroker
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from tests.infra import Endpoints, scratch_database
from tsunagu.outbox import OUTBOX_FIELD, PENDING, PENDING_INDEX, OutboxRelay
from tsunagu.store import is_duplicate

Doc = dict[str, Any]


@pytest.fixture
async def db(endpoints: Endpoints) -> AsyncIterator[AsyncDatabase[Doc]]:
    """A fresh database of the suite's store, dropped afterwards."""
    async with scratch_database(endpoints.mongo_url, "conformance") as database:
        yield database


async def test_a_version_filtered_update_is_atomic_among_racing_writers(
    db: AsyncDatabase[Doc],
) -> None:
    """Compare-and-set by version: every acknowledged increment is in the final count."""
    col = db["cas"]
    await col.insert_one({"_id": "one", "version": 0, "count": 0})
    acknowledged = 0

    async def racer() -> None:
        nonlocal acknowledged
        for _ in range(10):
            while True:
                doc = await col.find_one({"_id": "one"})
                assert doc is not None
                guard = {"_id": "one", "version": doc["version"]}
                change = {"$set": {"version": doc["version"] + 1, "count": doc["count"] + 1}}
                if (await col.update_one(guard, change)).modified_count == 1:
                    acknowledged += 1
                    break

    await asyncio.gather(*(racer() for _ in range(12)))
    final = await col.find_one({"_id": "one"})
    assert final is not None
    assert (final["count"], final["version"]) == (acknowledged, acknowledged) == (120, 120)


async def test_a_version_filtered_find_and_modify_is_atomic_among_racing_writers(
    db: AsyncDatabase[Doc],
) -> None:
    """The same guarantee through `find_one_and_update`, which answers the matched document."""
    col = db["cas_fam"]
    await col.insert_one({"_id": "one", "version": 0, "writers": []})
    winners: list[int] = []

    async def racer(writer: int) -> None:
        for version in range(8):
            before = await col.find_one_and_update(
                {"_id": "one", "version": version},
                {"$set": {"version": version + 1}, "$push": {"writers": writer}},
            )
            if before is not None:
                winners.append(writer)

    await asyncio.gather(*(racer(w) for w in range(6)))
    final = await col.find_one({"_id": "one"})
    assert final is not None
    assert final["version"] == 8
    assert len(winners) == 8
    assert final["writers"] == winners


async def test_a_stale_version_matches_nothing_and_changes_nothing(db: AsyncDatabase[Doc]) -> None:
    col = db["stale"]
    await col.insert_one({"_id": "a", "version": 3, "state": "accepted"})
    result = await col.update_one({"_id": "a", "version": 2}, {"$set": {"state": "closed"}})
    assert (result.matched_count, result.modified_count) == (0, 0)
    assert await col.find_one({"_id": "a"}, {"_id": 0}) == {"version": 3, "state": "accepted"}


async def test_unique_indexes_refuse_a_second_document_with_the_same_key(
    db: AsyncDatabase[Doc],
) -> None:
    col = db["unique"]
    await col.create_index([("agency", ASCENDING), ("key", ASCENDING)], unique=True)
    await col.insert_one({"_id": 1, "agency": "a", "key": "k"})
    await col.insert_one({"_id": 2, "agency": "b", "key": "k"})  # another agency: allowed
    with pytest.raises(DuplicateKeyError) as refused:
        await col.insert_one({"_id": 3, "agency": "a", "key": "k"})
    assert is_duplicate(refused.value)
    with pytest.raises(DuplicateKeyError):
        await col.insert_one({"_id": 1, "agency": "c", "key": "other"})
    assert await col.count_documents({}) == 2


async def test_an_unordered_bulk_insert_stores_the_new_and_reports_each_duplicate(
    db: AsyncDatabase[Doc],
) -> None:
    """How consumers append a batch that was partly stored before a crash."""
    col = db["bulk"]
    await col.insert_many([{"_id": "e1"}, {"_id": "e3"}])
    batch = [{"_id": f"e{i}", "n": i} for i in range(1, 6)]
    with pytest.raises(BulkWriteError) as refused:
        await col.insert_many(batch, ordered=False)
    errors = refused.value.details["writeErrors"]
    assert sorted(e["index"] for e in errors) == [0, 2]
    assert {e["code"] for e in errors} == {11000}
    assert is_duplicate(refused.value)
    assert sorted(d["_id"] for d in await col.find({"n": {"$exists": True}}).to_list()) == [
        "e2",
        "e4",
        "e5",
    ]


async def test_pop_guarded_by_the_head_removes_it_once(db: AsyncDatabase[Doc]) -> None:
    """An array's head removed only while it is still that head (a guarded `$pop`)."""
    col = db["outbox"]
    await col.insert_one({"_id": "agg", "outbox": [{"id": "ev1"}, {"id": "ev2"}]})
    head = {"_id": "agg", "outbox.0.id": "ev1"}
    first = await col.update_one(head, {"$pop": {"outbox": -1}})
    again = await col.update_one(head, {"$pop": {"outbox": -1}})
    assert (first.modified_count, again.modified_count) == (1, 0)
    doc = await col.find_one({"_id": "agg"})
    assert doc is not None
    assert doc["outbox"] == [{"id": "ev2"}]
    pending = await col.find({"outbox.0": {"$exists": True}}).to_list()
    assert [d["_id"] for d in pending] == ["agg"]


async def test_pull_with_a_condition_and_push_change_arrays_in_place(
    db: AsyncDatabase[Doc],
) -> None:
    col = db["arrays"]
    await col.insert_one({"_id": 1, "items": [{"n": 1}, {"n": 5}, {"n": 9}]})
    await col.update_one({"_id": 1}, {"$pull": {"items": {"n": {"$gt": 4}}}})
    await col.update_one({"_id": 1}, {"$push": {"items": {"n": 2}}})
    doc = await col.find_one({"_id": 1})
    assert doc is not None
    assert doc["items"] == [{"n": 1}, {"n": 2}]


async def test_elem_match_needs_both_conditions_in_one_element(db: AsyncDatabase[Doc]) -> None:
    col = db["legs"]
    await col.insert_many(
        [
            {"_id": "both", "legs": [{"agency": "a", "open": True}]},
            {
                "_id": "split",
                "legs": [{"agency": "a", "open": False}, {"agency": "b", "open": True}],
            },
        ]
    )
    found = await col.find({"legs": {"$elemMatch": {"agency": "a", "open": True}}}).to_list()
    assert [d["_id"] for d in found] == ["both"]
    either = await col.find({"legs.agency": "a", "legs.open": True}).sort("_id").to_list()
    assert [d["_id"] for d in either] == ["both", "split"]


async def test_compound_sorts_with_skip_and_limit_page_through_in_order(
    db: AsyncDatabase[Doc],
) -> None:
    col = db["pages"]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    docs = [
        {"_id": f"r{i:02}", "agency": "ab"[i % 2], "due": start + timedelta(minutes=(i * 7) % 13)}
        for i in range(20)
    ]
    await col.insert_many(docs)
    await col.create_index([("agency", ASCENDING), ("due", DESCENDING)])
    order = [("agency", ASCENDING), ("due", DESCENDING), ("_id", ASCENDING)]
    expected = sorted(docs, key=lambda d: (d["agency"], -d["due"].timestamp(), d["_id"]))
    pages = [
        await col.find({}).sort(order).skip(skip).limit(6).to_list() for skip in (0, 6, 12, 18)
    ]
    assert [d["_id"] for page in pages for d in page] == [d["_id"] for d in expected]
    assert pages[0][0]["due"] == expected[0]["due"]  # datetimes come back as stored (aware)


async def test_find_one_and_update_returns_before_or_after_and_upserts(
    db: AsyncDatabase[Doc],
) -> None:
    col = db["counters"]
    created = await col.find_one_and_update(
        {"_id": "seq"}, {"$inc": {"n": 1}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    before = await col.find_one_and_update({"_id": "seq"}, {"$inc": {"n": 1}})
    missing = await col.find_one_and_update({"_id": "nothing"}, {"$inc": {"n": 1}})
    assert created == {"_id": "seq", "n": 1}
    assert before == {"_id": "seq", "n": 1}
    assert missing is None
    assert await col.find_one({"_id": "seq"}) == {"_id": "seq", "n": 2}


async def test_counts_and_grouping_aggregations_answer_over_a_filter(
    db: AsyncDatabase[Doc],
) -> None:
    col = db["status"]
    await col.insert_many(
        [{"_id": i, "to": "ab"[i % 2], "state": ["open", "closed"][i % 3 == 0]} for i in range(12)]
    )
    assert await col.count_documents({"state": "open", "to": "a"}) == 4
    grouped = await (
        await col.aggregate(
            [
                {"$match": {"state": "open"}},
                {"$group": {"_id": "$to", "n": {"$sum": 1}}},
                {"$sort": {"_id": 1}},
            ]
        )
    ).to_list()
    assert grouped == [{"_id": "a", "n": 4}, {"_id": "b", "n": 4}]


async def test_a_filter_on_an_indexed_field_is_answered_from_the_index(
    db: AsyncDatabase[Doc],
) -> None:
    """Reads that must stay fast as data grows: the plan reads the index, not the collection."""
    col = db["plans"]
    await col.create_index([("agency", ASCENDING), ("created", ASCENDING)])
    await col.insert_many([{"agency": f"a{i % 10}", "created": i} for i in range(200)])
    indexed = await col.find({"agency": "a3"}).sort("created", 1).explain()
    scanned = await col.find({"unindexed": "x"}).explain()
    assert "IXSCAN" in str(indexed["queryPlanner"]["winningPlan"])
    assert "COLLSCAN" in str(scanned["queryPlanner"]["winningPlan"])


async def test_the_relays_scan_reads_only_the_pending_aggregates_from_their_index(
    db: AsyncDatabase[Doc],
) -> None:
    col = db["relayed"]
    relay = OutboxRelay(collection=col, broker=KafkaBroker("127.0.0.1:1"))
    await relay.ensure_index()
    await col.insert_many(
        [
            {"_id": f"a{i:03}", OUTBOX_FIELD: [{"event_id": f"e{i}"}] if i % 10 == 0 else []}
            for i in range(100)
        ]
    )
    plan = (await col.find(PENDING).sort("_id", 1).explain())["queryPlanner"]["winningPlan"]
    assert "IXSCAN" in str(plan)
    assert PENDING_INDEX in str(plan)
    await col.update_one({"_id": "a000"}, {"$pop": {OUTBOX_FIELD: -1}})
    pending = [d["_id"] async for d in col.find(PENDING).sort("_id", 1)]
    assert pending == [f"a{i:03}" for i in range(10, 100, 10)]
