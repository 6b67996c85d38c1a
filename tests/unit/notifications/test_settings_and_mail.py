"""The settings in development, and the spooled e-mail."""

from __future__ import annotations

from services.notifications.domain import SourceEvent, mail_message
from services.notifications.settings import NotificationsSettings


def test_the_service_starts_in_development_without_configuring_a_key() -> None:
    assert NotificationsSettings(environment="development").database == "tsunagu_notifications"


def test_the_mail_names_the_event_and_its_referral(event: SourceEvent) -> None:
    message = mail_message(event, to="a@example.org", sender="tsunagu@example.org")
    assert message["To"] == "a@example.org"
    assert message["Subject"] == "[Tsunagu] tsunagu.referral.accepted — referral ref-1"
    assert "Referral ref-1 accepted by agency agency-b" in message.get_content()
