"""The signing key guard and the spooled e-mail."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.notifications.domain import SourceEvent, mail_message
from services.notifications.settings import NotificationsSettings


def test_the_development_signing_key_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="WEBHOOK_SIGNING_KEY"):
        NotificationsSettings(environment="production")
    settings = NotificationsSettings(
        environment="production", webhook_signing_key="a-real-secret-of-enough-length"
    )
    assert settings.port == 8003


def test_the_development_signing_key_is_accepted_in_development() -> None:
    assert NotificationsSettings(environment="development").database == "tsunagu_notifications"


def test_the_mail_names_the_event_and_its_referral(event: SourceEvent) -> None:
    message = mail_message(event, to="a@example.org", sender="tsunagu@example.org")
    assert message["To"] == "a@example.org"
    assert message["Subject"] == "[Tsunagu] tsunagu.referral.accepted — referral ref-1"
    assert "Referral ref-1 accepted by agency agency-b" in message.get_content()
