"""Measure a MongoDB-wire document store the way the local-store choice needs it.

    python -m tsunagu_ops.bench.store_probe --url mongodb://127.0.0.1:27017 --name "my store"

Works on its own database (`tsunagu_store_probe`, dropped first and last) of the store at
`--url`, so it can run against any candidate, the local stack's store or MongoDB itself:

- **aging** first: single-document writes (11,000 by default) before anything is timed, since a
  store's cost can grow with the writes it has taken (SecantusDB's Python server, replica-set
  mode, slowed from ~900 to ~190 ops/s once past 10,000 retryable-write records);
- **features** the services rely on (unordered bulk insert with duplicates, `$pull` with a
  condition, `$elemMatch` on sub-documents, compound sort with skip/limit, upsert through
  `find_one_and_update`, a unique index refusing a duplicate);
- **compare-and-set**: clients racing version-guarded increments of one document; an increment
  acknowledged but missing from the final count is a lost update;
- **stall**: many concurrent updaters on a few documents; progress each second, and whether it
  ever stopped for good;
- **throughput** of a mix of insert, `_id` read, indexed read and version-guarded update at
  1, 8 and 32 clients;
- **scaling**: median latency of the same reads and update at two collection sizes (flat is good).

Figures print as a table and are kept as JSON in `bench/results/` with the machine's description.
Durability under kill -9 is the fault suite's to show (`tests/faults`), since it needs the store's
process, not only its URL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError, PyMongoError

from .machine import this_machine
from .results import RESULTS, save_results

DATABASE = "tsunagu_store_probe"
KEYS = 200  # distinct values of the indexed field
NEXT_ID = [10_000_000]  # ids of the documents the mix inserts, beyond those filled in
Doc = dict[str, Any]


@dataclass
class ProbeFigures:
    """What one run of the probe measured."""

    name: str
    url_host: str
    features: dict[str, bool] = field(default_factory=dict)
    throughput_ops_s: dict[int, float] = field(default_factory=dict)
    cas_acknowledged: int = 0
    cas_lost: int = 0
    cas_seconds: float = 0.0
    stall_progress: list[int] = field(default_factory=list)
    aged_writes: int = 0
    aging_ops_s: float = 0.0
    stalled: bool = False
    latency_ms: dict[int, dict[str, float]] = field(default_factory=dict)


async def _bulk_with_duplicates(db: Any) -> bool:
    col: AsyncCollection[Doc] = db["bulk"]
    await col.insert_many([{"_id": 1}, {"_id": 2}])
    try:
        await col.insert_many([{"_id": 2}, {"_id": 3}, {"_id": 1}, {"_id": 4}], ordered=False)
    except BulkWriteError as error:
        codes = [e.get("code") for e in error.details.get("writeErrors", [])]
        return codes == [11000, 11000] and error.details.get("nInserted") == 2
    return False


async def _pull_with_condition(db: Any) -> bool:
    col: AsyncCollection[Doc] = db["pull"]
    await col.insert_one({"_id": 1, "items": [{"n": 1}, {"n": 5}, {"n": 9}]})
    await col.update_one({"_id": 1}, {"$pull": {"items": {"n": {"$gt": 4}}}})
    pulled = await col.find_one({"_id": 1})
    return pulled is not None and pulled["items"] == [{"n": 1}]


async def _elem_match(db: Any) -> bool:
    col: AsyncCollection[Doc] = db["elem"]
    await col.insert_many(
        [{"_id": 1, "legs": [{"agency": "a", "open": True}]}, {"_id": 2, "legs": [{"agency": "a"}]}]
    )
    found = await col.find({"legs": {"$elemMatch": {"agency": "a", "open": True}}}).to_list()
    return [d["_id"] for d in found] == [1]


async def _compound_sort(db: Any) -> bool:
    col: AsyncCollection[Doc] = db["sorted"]
    await col.insert_many([{"_id": i, "g": i % 3, "n": 100 - i} for i in range(30)])
    page = await col.find({}).sort([("g", 1), ("n", -1)]).skip(2).limit(3).to_list()
    expected = sorted(range(30), key=lambda i: (i % 3, -(100 - i)))[2:5]
    return [d["_id"] for d in page] == expected


async def _upsert(db: Any) -> bool:
    col: AsyncCollection[Doc] = db["upsert"]
    upserted = await col.find_one_and_update(
        {"_id": "up"}, {"$inc": {"n": 1}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    return upserted is not None and upserted["n"] == 1


async def _unique_index(db: Any) -> bool:
    col: AsyncCollection[Doc] = db["unique"]
    await col.create_index("email", unique=True)
    await col.insert_one({"_id": 1, "email": "x@example.org"})
    try:
        await col.insert_one({"_id": 2, "email": "x@example.org"})
    except DuplicateKeyError:
        return True
    return False


FEATURES = {
    "bulk insert with duplicates (codes, nInserted)": _bulk_with_duplicates,
    "$pull with a condition": _pull_with_condition,
    "$elemMatch on sub-documents": _elem_match,
    "compound sort, skip, limit": _compound_sort,
    "find_one_and_update upsert": _upsert,
    "unique index refuses a duplicate": _unique_index,
}


async def _features(db: Any) -> dict[str, bool]:
    results = {}
    for name, check in FEATURES.items():
        try:
            results[name] = await check(db)
        except PyMongoError:
            results[name] = False  # refused or misunderstood: the feature is not there
    return results


async def _compare_and_set(db: Any, clients: int, each: int) -> tuple[int, int, float]:
    col: AsyncCollection[Doc] = db["cas"]
    await col.insert_one({"_id": 1, "n": 0, "version": 0})
    acknowledged = 0

    async def racer() -> None:
        nonlocal acknowledged
        done = 0
        while done < each:
            doc = await col.find_one({"_id": 1})
            assert doc is not None
            guard = {"_id": 1, "version": doc["version"]}
            change = {"$set": {"version": doc["version"] + 1, "n": doc["n"] + 1}}
            if (await col.update_one(guard, change)).modified_count == 1:
                done += 1
                acknowledged += 1

    started = time.monotonic()
    await asyncio.gather(*(racer() for _ in range(clients)))
    final = await col.find_one({"_id": 1})
    assert final is not None
    return acknowledged, acknowledged - int(final["n"]), time.monotonic() - started


async def _stall(db: Any, updaters: int, documents: int, seconds: int) -> list[int]:
    col: AsyncCollection[Doc] = db["stall"]
    await col.insert_many([{"_id": i, "n": 0} for i in range(documents)])
    done = 0
    stop = time.monotonic() + seconds

    async def updater() -> None:
        nonlocal done
        while time.monotonic() < stop:
            await col.update_one({"_id": random.randrange(documents)}, {"$inc": {"n": 1}})
            done += 1

    tasks = [asyncio.create_task(updater()) for _ in range(updaters)]
    progress = []
    for _ in range(seconds):
        before = done
        await asyncio.sleep(1)
        progress.append(done - before)
    # Updaters stuck in a stalled store never return by themselves.
    _, pending = await asyncio.wait(tasks, timeout=10)
    for task in pending:
        task.cancel()
    return progress


async def _age(db: Any, writes: int, clients: int = 32) -> float:
    """Send `writes` single-document inserts (each its own write command); return their rate."""
    col: AsyncCollection[Doc] = db["aging"]
    left = [writes]

    async def writer() -> None:
        while left[0] > 0:
            left[0] -= 1
            await col.insert_one({"k": left[0]})

    started = time.monotonic()
    await asyncio.gather(*(writer() for _ in range(clients)))
    rate = writes / (time.monotonic() - started)
    await col.drop()
    return rate


async def _fill(col: AsyncCollection[Doc], start: int, stop: int) -> None:
    for first in range(start, stop, 1000):
        batch = range(first, min(first + 1000, stop))
        await col.insert_many([{"_id": i, "k": i % KEYS, "version": 0} for i in batch])


async def _mix(col: AsyncCollection[Doc], size: int, clients: int, seconds: float) -> float:
    counter = [0]
    next_id = NEXT_ID
    stop = time.monotonic() + seconds

    async def worker() -> None:
        while time.monotonic() < stop:
            operation = random.randrange(4)
            if operation == 0:
                next_id[0] += 1
                await col.insert_one({"_id": next_id[0], "k": next_id[0] % KEYS, "version": 0})
            elif operation == 1:
                await col.find_one({"_id": random.randrange(size)})
            elif operation == 2:
                await col.find({"k": random.randrange(KEYS)}).limit(5).to_list()
            else:
                await _guarded_update(col, random.randrange(size))
            counter[0] += 1

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return counter[0] / (time.monotonic() - started)


async def _guarded_update(col: AsyncCollection[Doc], key: int) -> None:
    doc = await col.find_one({"_id": key})
    if doc is not None:
        guard = {"_id": key, "version": doc["version"]}
        await col.update_one(guard, {"$set": {"version": doc["version"] + 1}})


async def _latencies(col: AsyncCollection[Doc], size: int, samples: int) -> dict[str, float]:
    async def timed(operation: Any) -> float:
        started = time.perf_counter()
        await operation
        return (time.perf_counter() - started) * 1000

    id_read = [await timed(col.find_one({"_id": random.randrange(size)})) for _ in range(samples)]
    indexed = [
        await timed(col.find({"k": random.randrange(KEYS)}).limit(5).to_list())
        for _ in range(samples)
    ]
    update = [await timed(_guarded_update(col, random.randrange(size))) for _ in range(samples)]
    return {
        "_id read": statistics.median(id_read),
        "indexed read": statistics.median(indexed),
        "guarded update": statistics.median(update),
    }


async def probe(
    url: str, name: str, *, sizes: tuple[int, int], seconds: float, age: int = 11_000
) -> ProbeFigures:
    """Age the store at `url` by `age` writes, then run every measurement against it."""
    # Every operation is bounded: a store that stalls for good ends the probe, not hangs it.
    client: AsyncMongoClient[Doc] = AsyncMongoClient(url, maxPoolSize=256, timeoutMS=60_000)
    figures = ProbeFigures(name=name, url_host=url.split("@")[-1].split("/")[2])
    try:
        await client.drop_database(DATABASE)
        db = client[DATABASE]
        if age:
            figures.aging_ops_s = round(await _age(db, age))
            figures.aged_writes = age
        figures.features = await _features(db)
        mix: AsyncCollection[Doc] = db["mix"]
        await mix.create_index("k")
        await _fill(mix, 0, sizes[0])
        for clients in (1, 8, 32):
            figures.throughput_ops_s[clients] = round(await _mix(mix, sizes[0], clients, seconds))
        acknowledged, lost, took = await _compare_and_set(db, clients=16, each=20)
        figures.cas_acknowledged, figures.cas_lost = acknowledged, lost
        figures.cas_seconds = round(took, 1)
        figures.stall_progress = await _stall(db, updaters=200, documents=20, seconds=20)
        figures.stalled = sum(figures.stall_progress[-5:]) == 0
        if figures.stalled:
            return figures  # a store that stopped answering has no latencies left to measure
        scaled: AsyncCollection[Doc] = db["scaled"]
        await scaled.create_index("k")
        await _fill(scaled, 0, sizes[0])
        figures.latency_ms[sizes[0]] = await _latencies(scaled, sizes[0], 200)
        await _fill(scaled, sizes[0], sizes[1])
        figures.latency_ms[sizes[1]] = await _latencies(scaled, sizes[1], 200)
    finally:
        # A stalled store may not answer; what is left is the probe's own database.
        with contextlib.suppress(PyMongoError):
            await client.drop_database(DATABASE)
        await client.close()
    return figures


def report(figures: ProbeFigures) -> str:
    """The figures as lines for the terminal."""
    lines = [f"store: {figures.name} ({figures.url_host})"]
    lines.append(
        f"  aged by {figures.aged_writes:,} single writes first ({figures.aging_ops_s:,.0f}/s)"
    )
    for feature, ok in figures.features.items():
        lines.append(f"  {'ok  ' if ok else 'FAIL'} {feature}")
    rates = " / ".join(f"{figures.throughput_ops_s[c]:,}" for c in (1, 8, 32))
    lines.append(f"  throughput at 1 / 8 / 32 clients: {rates} ops/s")
    lines.append(
        f"  compare-and-set: {figures.cas_lost} lost of {figures.cas_acknowledged} acknowledged"
        f" ({figures.cas_seconds} s)"
    )
    verdict = "STALLED" if figures.stalled else "no stall"
    lines.append(f"  200 updaters, ops each second: {figures.stall_progress} ({verdict})")
    if not figures.latency_ms:
        lines.append("  latencies: not measured (the store stopped answering)")
        return "\n".join(lines)
    small, large = sorted(figures.latency_ms)
    for operation in figures.latency_ms[small]:
        lines.append(
            f"  {operation}: {figures.latency_ms[small][operation]:.2f} ms at {small:,} docs"
            f" → {figures.latency_ms[large][operation]:.2f} ms at {large:,}"
        )
    return "\n".join(lines)


def main() -> None:
    """Measure the store named on the command line; print and keep the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="MongoDB URL of the store to measure")
    parser.add_argument("--name", default="store", help="how the store is named in the report")
    parser.add_argument("--small", type=int, default=2_000, help="documents, first size")
    parser.add_argument("--large", type=int, default=20_000, help="documents, second size")
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds per throughput step")
    parser.add_argument(
        "--age", type=int, default=11_000, help="single writes sent before measuring (0: none)"
    )
    options = parser.parse_args()
    sizes = (options.small, options.large)
    figures = asyncio.run(
        probe(options.url, options.name, sizes=sizes, seconds=options.seconds, age=options.age)
    )
    print(report(figures))
    taken = datetime.now(UTC)
    found = {"store_probe": figures}
    kept = save_results(RESULTS, this_machine(), found, now=taken, prefix="store-")
    print(f"kept in {kept}")


if __name__ == "__main__":
    main()
