"""Reads of a person's data in MongoDB: one inserted document per read, holding its event.

A read is not a change of the referral: it neither raises the referral's version nor writes the
referral's document, so it never meets the version guard of a change made at the same time.
Its record and its `subject_viewed` event are one insert (the document's own outbox, drained by
a relay of its own); once published, the record stays as the referral's access log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from tsunagu.events import outbox_entry
from tsunagu.outbox import OUTBOX_FIELD
from tsunagu_schemas.subject_view import SUBJECT_VIEWED

from ..domain import SubjectView

SUBJECT_VIEWS = "subject_views"
SERVICE = "referrals"


class MongoSubjectViews:
    """The access log of every referral: who was shown the person's data, when, and why."""

    def __init__(
        self, *, collection: AsyncCollection[dict[str, Any]], on_write: Callable[[], None]
    ) -> None:
        self._views = collection
        self._on_write = on_write

    async def ensure_indexes(self) -> None:
        """Index the two questions asked: reads of a referral, reads by an agency over time."""
        await self._views.create_index([("referral_id", ASCENDING), ("viewed_at", ASCENDING)])
        await self._views.create_index([("agency_id", ASCENDING), ("viewed_at", ASCENDING)])

    async def record(self, view: SubjectView, *, traceparent: str | None) -> None:
        """Keep the read and its event in one insert."""
        entry = outbox_entry(
            event_type=SUBJECT_VIEWED,
            subject=view.referral_id,
            data=view.event_data(),
            service=SERVICE,
            time=view.viewed_at,
            traceparent=traceparent,
        )
        document = view.model_dump(mode="json", exclude={"event_id", "viewed_at"})
        document.update({"_id": entry["event_id"], "viewed_at": view.viewed_at})
        document[OUTBOX_FIELD] = [entry]
        try:
            await self._views.insert_one(document)
        except DuplicateKeyError:  # the same event id is already recorded: nothing to add
            return
        self._on_write()

    async def of_referral(self, referral_id: str) -> list[SubjectView]:
        """Every read of the referral's person's data, oldest first."""
        return await self._find({"referral_id": referral_id})

    async def by_agency(
        self, agency_id: str, *, since: datetime, until: datetime
    ) -> list[SubjectView]:
        """The reads the agency made in [since, until), oldest first."""
        return await self._find(
            {"agency_id": agency_id, "viewed_at": {"$gte": since, "$lt": until}}
        )

    async def _find(self, selector: dict[str, Any]) -> list[SubjectView]:
        cursor = self._views.find(selector, {OUTBOX_FIELD: 0}).sort(
            [("viewed_at", ASCENDING), ("_id", ASCENDING)]
        )
        return [_view(document) async for document in cursor]


def _view(document: dict[str, Any]) -> SubjectView:
    fields = {k: v for k, v in document.items() if k != "_id"}
    return SubjectView.model_validate({"event_id": document["_id"], **fields})
