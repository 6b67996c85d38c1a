"""Per-agency webhook secrets: random, rotated with a grace period, sealed at rest."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.notifications.adapters.secret_box import SecretBox, SecretsKeyUnusable, secrets_key
from services.notifications.settings import NotificationsSettings
from services.notifications.use_cases import rotate_webhook_secret, signing_keys, webhook_secrets
from tests.unit.notifications.fakes import FixedClock, in_memory_ports

START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
KEY = base64.b64encode(b"k" * 32).decode()


async def test_each_agency_gets_its_own_random_secret_once() -> None:
    ports = in_memory_ports(START)
    first = await webhook_secrets(ports, agency_id="agency-a")
    assert len(first.current) == 32
    assert await webhook_secrets(ports, agency_id="agency-a") == first
    other = await webhook_secrets(ports, agency_id="agency-b")
    assert other.current != first.current
    assert await signing_keys(ports, agency_id="agency-a") == [first.current]


async def test_a_rotation_signs_with_both_keys_until_the_grace_period_ends() -> None:
    ports = in_memory_ports(START)
    assert isinstance(ports.clock, FixedClock)
    old = (await webhook_secrets(ports, agency_id="agency-a")).current
    rotated = await rotate_webhook_secret(ports, agency_id="agency-a")
    assert rotated.current != old
    assert rotated.previous_valid_until(START) == START + ports.secret_grace
    assert await signing_keys(ports, agency_id="agency-a") == [rotated.current, old]

    ports.clock.moment = START + ports.secret_grace - timedelta(seconds=1)
    assert await signing_keys(ports, agency_id="agency-a") == [rotated.current, old]
    ports.clock.moment = START + ports.secret_grace
    assert await signing_keys(ports, agency_id="agency-a") == [rotated.current]
    assert rotated.previous_valid_until(ports.clock.moment) is None


async def test_a_second_rotation_drops_the_key_replaced_first() -> None:
    ports = in_memory_ports(START)
    first = (await webhook_secrets(ports, agency_id="agency-a")).current
    second = (await rotate_webhook_secret(ports, agency_id="agency-a")).current
    third = (await rotate_webhook_secret(ports, agency_id="agency-a")).current
    keys = await signing_keys(ports, agency_id="agency-a")
    assert keys == [third, second]
    assert first not in keys


def test_a_sealed_secret_opens_only_with_its_key_and_for_its_agency() -> None:
    box = SecretBox(b"k" * 32)
    sealed = box.seal(b"secret", context="agency-a:current")
    assert b"secret" not in sealed
    assert box.seal(b"secret", context="agency-a:current") != sealed  # fresh nonce each time
    assert box.open(sealed, context="agency-a:current") == b"secret"
    with pytest.raises(SecretsKeyUnusable):
        box.open(sealed, context="agency-b:current")
    with pytest.raises(SecretsKeyUnusable):
        SecretBox(b"x" * 32).open(sealed, context="agency-a:current")


def test_outside_development_a_key_must_be_configured() -> None:
    with pytest.raises(ValidationError, match="WEBHOOK_SECRETS_KEY"):
        NotificationsSettings(environment="production")
    configured = NotificationsSettings(environment="production", webhook_secrets_key=KEY)
    assert secrets_key(configured) == b"k" * 32


def test_in_development_a_missing_key_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "webhook.key"
    settings = NotificationsSettings(webhook_secrets_key_file=path)
    key = secrets_key(settings)
    assert len(key) == 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert secrets_key(settings) == key


def test_a_missing_or_exposed_key_file_is_refused_in_production(tmp_path: Path) -> None:
    path = tmp_path / "webhook.key"
    settings = NotificationsSettings(environment="production", webhook_secrets_key_file=path)
    with pytest.raises(SecretsKeyUnusable, match="no webhook secrets key file"):
        secrets_key(settings)
    path.write_text(KEY)
    path.chmod(0o644)
    with pytest.raises(SecretsKeyUnusable, match="open to other users"):
        secrets_key(settings)
    path.chmod(0o600)
    assert secrets_key(settings) == b"k" * 32
    with pytest.raises(SecretsKeyUnusable, match="32 bytes"):
        secrets_key(NotificationsSettings(environment="production", webhook_secrets_key="YWJj"))
