"""What a service's /metrics tells about its own work, read as an operator while it works."""

from __future__ import annotations

from pathlib import Path

from services.audit.main import create_app as audit_app
from services.audit.settings import AuditSettings
from services.referrals.main import create_app as referrals_app
from services.referrals.settings import ReferralsSettings
from tests.access import PrincipalAuth, TestIssuer
from tests.integration.audit.conftest import start_group_at_the_end as audit_from_the_end
from tests.integration.audit.sample_events import fresh_id as fresh_event_id
from tests.integration.audit.sample_events import referral_data
from tests.integration.harness import ServiceEnv, eventually, publish_event, running
from tests.integration.monitoring.scrape import Samples, scrape, total, value
from tests.integration.referrals.conftest import start_group_at_the_end
from tests.integration.referrals.network import Network, fresh_id
from tsunagu.store import make_client
from tsunagu_schemas.topics import DIRECTORY_EVENTS

FAST = {"metrics_refresh_seconds": 0.3}
OLDEST_BREACH = "tsunagu_referrals_sla_breach_oldest_age_seconds"


def _consumed(samples: Samples) -> float:
    return total(
        samples,
        "faststream_received_messages_total",
        app_name="tsunagu-referrals",
        handler=DIRECTORY_EVENTS,
    )


async def test_referrals_counts_breaches_and_times_follow_a_referral(
    service_env: ServiceEnv, test_issuer: TestIssuer
) -> None:
    settings = ReferralsSettings(
        **service_env.settings_kwargs("referrals"),
        **FAST,
        sla_emergency_seconds=1,
        sla_scan_seconds=0.3,
    )
    await start_group_at_the_end(settings)
    store = make_client(settings.mongo_url)
    try:
        async with running(referrals_app(settings), PrincipalAuth(test_issuer)) as http:
            network = Network(
                http, settings.kafka_bootstrap_servers, store[settings.database]["agencies"]
            )
            sender, receiver = fresh_id(), fresh_id()
            await network.register(sender, receiver)
            before = await scrape(http)
            referral = await network.refer(sender, receiver, urgency="emergency")

            async def breached() -> Samples | None:
                samples = await scrape(http)
                open_ = value(samples, "tsunagu_referrals_sla_breaches_open", {"agency": receiver})
                return samples if open_ == 1 else None

            samples = await eventually(breached, timeout=30)
            requested = {"status": "requested", "urgency": "emergency"}
            assert value(samples, "tsunagu_referrals_open", requested) == 1
            oldest = value(samples, OLDEST_BREACH, {"agency": receiver})
            assert oldest is not None
            assert 0 <= oldest < 60
            assert value(samples, "tsunagu_referrals_sla_breaches_open", {"agency": sender}) is None
            assert total(samples, "tsunagu_metrics_probe_ok") == 3  # kafka, outbox, open referrals
            # FastStream's own counters saw the two agencies' events arrive
            assert _consumed(samples) >= _consumed(before) >= 2

            async def caught_up() -> bool:
                samples = await scrape(http)
                lag = total(samples, "tsunagu_consumer_lag_records", group=settings.consumer_group)
                return lag == 0 and any(
                    name == "tsunagu_consumer_lag_records" and ("topic", DIRECTORY_EVENTS) in labels
                    for name, labels in samples
                )

            await eventually(caught_up, timeout=30)

            accepted = await network.act(referral["id"], "accept", receiver)
            assert accepted.status_code == 200, accepted.text
            closed = await network.act(referral["id"], "close", receiver, {"outcome": "resolved"})
            assert closed.status_code == 200, closed.text

            async def answered() -> Samples | None:
                samples = await scrape(http)
                open_now = [
                    value(
                        samples,
                        "tsunagu_referrals_open",
                        {"status": status, "urgency": "emergency"},
                    )
                    for status in ("requested", "accepted")
                ]
                done = open_now == [0, 0]  # requested, then accepted, now closed
                sent = value(samples, "tsunagu_outbox_backlog", {"collection": "referrals"}) == 0
                return samples if done and sent else None

            samples = await eventually(answered, timeout=30)
            assert (
                value(samples, "tsunagu_referrals_sla_breaches_open", {"agency": receiver}) is None
            )
            assert value(samples, "tsunagu_referrals_open", requested) == 0
            for change in ("created", "sla_breached", "accepted", "closed"):
                name, labels = (
                    "tsunagu_referral_changes_total",
                    {"type": change, "urgency": "emergency"},
                )
                assert (value(samples, name, labels) or 0) - (value(before, name, labels) or 0) == 1
            for timed in ("accept", "close"):
                name, labels = f"tsunagu_referrals_{timed}_seconds_count", {"urgency": "emergency"}
                assert (value(samples, name, labels) or 0) - (value(before, name, labels) or 0) == 1
    finally:
        await store.drop_database(settings.database)
        await store.close()


async def test_audit_tells_its_head_and_how_old_its_checkpoint_is(
    service_env: ServiceEnv, test_issuer: TestIssuer, tmp_path: Path
) -> None:
    settings = AuditSettings(
        **service_env.settings_kwargs("audit"),
        **FAST,
        signing_key_file=tmp_path / "log-key.pem",
        checkpoint_seconds=0.3,
    )
    await audit_from_the_end(settings)
    store = make_client(settings.mongo_url)
    try:
        async with running(audit_app(settings), PrincipalAuth(test_issuer)) as http:
            for _ in range(2):
                referral_id = fresh_event_id("referral")
                await publish_event(
                    settings.kafka_bootstrap_servers,
                    event_type="tsunagu.referral.created",
                    subject=referral_id,
                    data=referral_data(referral_id=referral_id),
                    service="referrals",
                )

            async def covered() -> Samples | None:
                samples = await scrape(http)
                return samples if value(samples, "tsunagu_audit_checkpoint_size") == 2 else None

            samples = await eventually(covered, timeout=30)
            assert value(samples, "tsunagu_audit_head_size") == 2
            age = value(samples, "tsunagu_audit_checkpoint_age_seconds")
            assert age is not None
            assert 0 <= age < 30
            assert value(samples, "tsunagu_metrics_probe_ok", {"probe": "kafka"}) == 1

            async def caught_up() -> bool:
                samples = await scrape(http)
                lag = total(samples, "tsunagu_consumer_lag_records", group=settings.consumer_group)
                return lag == 0  # once the records' offsets are committed

            await eventually(caught_up, timeout=30)
            assert value(samples, "tsunagu_metrics_probe_ok", {"probe": "audit-head"}) == 1
    finally:
        await store.drop_database(settings.database)
        await store.close()
