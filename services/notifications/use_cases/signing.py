"""Agencies' webhook signing secrets: created on first need, handed out, rotated."""

from __future__ import annotations

import structlog

from services.notifications.domain import SigningSecrets, first_secrets, new_signing_key

from ..ports import Ports

log = structlog.get_logger(__name__)
ROTATION_TRIES = 3


class RotationConflict(RuntimeError):
    """The secrets kept changing while a rotation tried to replace them."""


async def webhook_secrets(ports: Ports, *, agency_id: str) -> SigningSecrets:
    """The agency's secrets, made (random, once) the first time they are needed."""
    stored = await ports.secrets.get(agency_id)
    if stored is not None:
        return stored
    made = await ports.secrets.add(first_secrets(agency_id, now=ports.clock.now()))
    log.info("webhook secret created", agency=agency_id)
    return made


async def signing_keys(ports: Ports, *, agency_id: str) -> list[bytes]:
    """The keys that sign a delivery to the agency now: the current one, then the replaced one."""
    secrets = await webhook_secrets(ports, agency_id=agency_id)
    return secrets.valid_keys(ports.clock.now())


async def rotate_webhook_secret(ports: Ports, *, agency_id: str) -> SigningSecrets:
    """Replace the agency's secret; the replaced one still signs for the grace period."""
    for _ in range(ROTATION_TRIES):
        old = await webhook_secrets(ports, agency_id=agency_id)
        new = old.rotated(new_signing_key(), now=ports.clock.now(), grace=ports.secret_grace)
        if await ports.secrets.replace(old, new):
            log.info("webhook secret rotated", agency=agency_id, previous_until=new.previous_until)
            return await webhook_secrets(ports, agency_id=agency_id)
    raise RotationConflict(agency_id)
