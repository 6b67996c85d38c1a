"""HTTP routes of notifications: an agency's inbox and its webhook secret."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from services.notifications.domain import InboxEntry, SigningSecrets, secret_text
from services.notifications.ports import Ports
from services.notifications.use_cases import (
    mark_read,
    read_inbox,
    rotate_webhook_secret,
    webhook_secrets,
)
from tsunagu.auth import Role
from tsunagu.web import Caller, ports_of, problem_responses
from tsunagu.web.params import Cursor, IdPath

PortsDep = Annotated[Ports, Depends(ports_of)]
# Who may call each route is decided before it runs, by the rules in `access.py`.
router = APIRouter(prefix="/v1/agencies/{agency_id}", tags=["notifications"])


class Notification(BaseModel):
    """One inbox entry: what happened to which referral, never personal data."""

    notification_id: str
    agency_id: str
    event_id: str
    event_type: str
    referral_id: str | None
    summary: str
    occurred_at: datetime
    created_at: datetime
    read: bool
    read_at: datetime | None = None

    @classmethod
    def of(cls, entry: InboxEntry) -> Notification:
        """The public form of a domain entry."""
        return cls.model_validate(entry, from_attributes=True)


class InboxPageOut(BaseModel):
    """One page of an inbox, newest first."""

    items: list[Notification]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class WebhookSecret(BaseModel):
    """The secret that signs the agency's webhook deliveries (Standard Webhooks)."""

    secret: str | None = Field(
        description="`whsec_<base64 key>`: the HMAC-SHA256 key of `webhook-signature` "
        "(left out when the coordinator rotates an agency's secret)."
    )
    previous_valid_until: datetime | None = Field(
        default=None,
        description="Until then deliveries also carry a signature with the replaced secret.",
    )

    @classmethod
    def of(cls, secrets: SigningSecrets, *, now: datetime, reveal: bool = True) -> WebhookSecret:
        """The public form of an agency's secrets."""
        return cls(
            secret=secret_text(secrets.current) if reveal else None,
            previous_valid_until=secrets.previous_valid_until(now),
        )


@router.get(
    "/inbox",
    summary="An agency's inbox",
    response_model=InboxPageOut,
    responses=problem_responses(401, 403, 422),
)
async def get_inbox(
    agency_id: IdPath,
    ports: PortsDep,
    unread: Annotated[bool | None, Query(description="true: only unread; false: only read")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Cursor = None,
) -> InboxPageOut:
    """List the agency's notifications, newest first."""
    page = await read_inbox(ports, agency_id=agency_id, unread=unread, limit=limit, cursor=cursor)
    return InboxPageOut(
        items=[Notification.of(e) for e in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "/inbox/{notification_id}/read",
    summary="Mark a notification read",
    response_model=Notification,
    responses=problem_responses(401, 403, 404),
)
async def post_read(agency_id: IdPath, notification_id: IdPath, ports: PortsDep) -> Notification:
    """Mark one notification as read (repeating it changes nothing)."""
    entry = await mark_read(ports, agency_id=agency_id, notification_id=notification_id)
    return Notification.of(entry)


@router.post(
    "/webhook-secret",
    summary="The agency's webhook signing secret",
    response_model=WebhookSecret,
    responses=problem_responses(401, 403),
)
async def post_webhook_secret(agency_id: IdPath, ports: PortsDep) -> WebhookSecret:
    """Give the agency the secret with which to check `webhook-signature` on webhooks."""
    secrets = await webhook_secrets(ports, agency_id=agency_id)
    return WebhookSecret.of(secrets, now=ports.clock.now())


@router.post(
    "/webhook-secret/rotate",
    summary="Replace the agency's webhook signing secret",
    response_model=WebhookSecret,
    responses=problem_responses(401, 403),
)
async def post_webhook_secret_rotation(
    agency_id: IdPath, caller: Caller, ports: PortsDep
) -> WebhookSecret:
    """Issue a new secret; the replaced one keeps signing too until `previous_valid_until`.

    The agency itself gets the new secret; the coordinator may rotate it but never sees it.
    """
    secrets = await rotate_webhook_secret(ports, agency_id=agency_id)
    reveal = caller.role is Role.AGENCY and caller.agency_id == agency_id
    return WebhookSecret.of(secrets, now=ports.clock.now(), reveal=reveal)
