"""One person's referral walked through the whole network, through public HTTP APIs only."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from aiokafka import TopicPartition
from cloudevents.core.bindings import kafka as ce_kafka

from tests.access import PrincipalAuth, acting, as_role
from tests.e2e.conftest import NOTE, PERSONAL, SUBJECT, System
from tests.e2e.webhook_receiver import WebhookReceiver
from tests.integration.harness import collect, eventually
from tests.integration.kafka_positions import end_offsets, read_until_now, read_whole_topic
from tsunagu_schemas import topics


def _agency(name: str, category: str, webhook: str, *, kafka: bool) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "npo",
        "services": [
            {
                "name": f"{name} support",
                "categories": [category],
                "areas": ["citywide"],
                "accepting_referrals": True,
            }
        ],
        "contacts": [{"name": "Sato Ichiro", "role": "coordinator"}],
        "delivery": {"webhook_url": webhook, "kafka": kafka},
    }


async def _register(http: httpx.AsyncClient, system: System, body: dict[str, Any]) -> str:
    response = await http.post(f"{system.urls['directory']}/v1/agencies", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _act(
    http: httpx.AsyncClient,
    url: str,
    agency: str,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    response = await http.post(url, json=body or {}, headers=acting(agency))
    assert response.status_code in (200, 201), response.text
    return response.json()  # type: ignore[no-any-return]


async def _act_once_known(
    http: httpx.AsyncClient, url: str, agency: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Act, waiting while the referrals service has not yet learnt a new agency (422)."""

    async def attempt() -> dict[str, Any] | None:
        response = await http.post(url, json=body, headers=acting(agency))
        assert response.status_code in (200, 422), response.text
        return response.json() if response.status_code == 200 else None  # type: ignore[no-any-return]

    return await eventually(attempt, timeout=60, interval=0.5)  # type: ignore[no-any-return]


async def _create_referral(http: httpx.AsyncClient, system: System, a: str, b: str) -> str:
    now = datetime.now(UTC)
    body = {
        "from_agency_id": a,
        "to_agency_id": b,
        "needs": ["food"],
        "urgency": "urgent",
        "subject": SUBJECT,
        "note": NOTE,
        "basis": {
            "kind": "consent",
            "given_by": "subject",
            "scope": "network",
            "obtained_at": now.isoformat(),
            "expires_at": (now + timedelta(days=90)).isoformat(),
        },
    }

    async def attempt() -> dict[str, Any] | None:
        # The referrals service learns of new agencies from directory events: wait for them.
        response = await http.post(
            f"{system.urls['referrals']}/v1/referrals", json=body, headers=acting(a)
        )
        assert response.status_code in (201, 422), response.text
        return response.json() if response.status_code == 201 else None

    created = await eventually(attempt, timeout=60, interval=0.5)
    assert created["status"] == "requested"
    return str(created["id"])


async def _walk_the_journey(
    http: httpx.AsyncClient,
    system: System,
    a: str,
    b: str,
    c: str,
) -> tuple[str, dict[str, Any]]:
    referral_id = await _create_referral(http, system, a, b)
    base = f"{system.urls['referrals']}/v1/referrals/{referral_id}"
    await _act(http, f"{base}/accept", b)
    await _act_once_known(
        http,
        f"{base}/handoff",
        b,
        {
            "to_agency_id": c,
            "needs": ["livelihood"],
            "reason": "needs_other_support",
            "keep_following": True,
        },
    )
    await _act(http, f"{base}/accept", c)
    final = await _act(http, f"{base}/close", c, {"outcome": "resolved"})
    return referral_id, final


def _records_for(records: list[Any], referral_id: str) -> list[Any]:
    return [r for r in records if r.key == referral_id.encode()]


async def test_a_referral_walks_accept_handoff_accept_close_across_all_services(
    system: System,
    webhook_receiver: WebhookReceiver,
) -> None:
    bootstrap = system.endpoints.kafka_bootstrap_servers
    watched = [*topics.EVENT_TOPICS]
    start = await end_offsets(bootstrap, watched)
    auth = PrincipalAuth(system.tokens, "coordinator")
    async with httpx.AsyncClient(timeout=20, auth=auth) as http:
        a = await _register(
            http,
            system,
            _agency("Hotline", "suicide_prevention", webhook_receiver.url + "/a", kafka=False),
        )
        b = await _register(
            http, system, _agency("Food bank", "food", webhook_receiver.url + "/b", kafka=True)
        )
        c = await _register(
            http,
            system,
            _agency("Welfare office", "livelihood", webhook_receiver.url + "/c", kafka=False),
        )
        referral_id, final = await _walk_the_journey(http, system, a, b, c)

        assert final["status"] == "closed"
        assert final["outcome"] == "resolved"
        legs = [
            (leg["from_agency_id"], leg["to_agency_id"], leg["status"]) for leg in final["legs"]
        ]
        assert legs == [(a, b, "accepted"), (b, c, "accepted")]

        events = await collect(
            bootstrap,
            topics.REFERRAL_EVENTS,
            timeout=30,
            until=lambda rs: len(_records_for(rs, referral_id)) >= 5,
        )
        mine = _records_for(events, referral_id)
        types = [dict(r.headers)["ce_type"].decode() for r in mine]
        assert types == [
            "tsunagu.referral.created",
            "tsunagu.referral.accepted",
            "tsunagu.referral.handed_off",
            "tsunagu.referral.accepted",
            "tsunagu.referral.closed",
        ]
        event_ids = [dict(r.headers)["ce_id"].decode() for r in mine]
        expected_inbox = Counter(p for r in mine for p in json.loads(r.value)["parties"])

        await _assert_inboxes(http, system, expected_inbox, event_ids)
        await _assert_webhooks(
            http, system, webhook_receiver, expected_inbox, {"/a": a, "/b": b, "/c": c}
        )
        await _assert_audit(http, system, referral_id, event_ids)
    await _assert_topics_hold_cloudevents_without_personal_data(bootstrap, start, b)


async def _assert_inboxes(
    http: httpx.AsyncClient, system: System, expected: Counter[str], event_ids: list[str]
) -> None:
    for agency, count in expected.items():
        url = f"{system.urls['notifications']}/v1/agencies/{agency}/inbox?limit=100"

        async def inbox(agency: str = agency, url: str = url) -> list[dict[str, Any]]:
            response = await http.get(url, headers=acting(agency))
            assert response.status_code == 200, response.text
            return response.json()["items"]  # type: ignore[no-any-return]

        await eventually(lambda inbox=inbox, count=count: _has_count(inbox, count), timeout=30)
        entries = await inbox()
        assert len(entries) == count
        assert {e["event_id"] for e in entries} <= set(event_ids)
        assert len({e["event_id"] for e in entries}) == count, "one entry per event per party"


async def _has_count(fetch: Any, count: int) -> bool:
    return len(await fetch()) >= count


async def _assert_webhooks(
    http: httpx.AsyncClient,
    system: System,
    receiver: WebhookReceiver,
    expected: Counter[str],
    paths: dict[str, str],
) -> None:
    total = sum(expected.values())
    await eventually(lambda: len(receiver.deliveries) >= total, timeout=60)
    received = Counter(
        (paths[d.path], json.loads(d.body)["id"], json.loads(d.body)["type"])
        for d in receiver.deliveries
    )
    assert [key for key, n in received.items() if n > 1] == [], "a webhook delivered twice"
    assert len(receiver.deliveries) == total, received
    for delivery in receiver.deliveries:
        agency = paths[delivery.path]
        secret_response = await http.post(
            f"{system.urls['notifications']}/v1/agencies/{agency}/webhook-secret",
            headers=acting(agency),
        )
        secret = secret_response.json()["secret"]
        assert delivery.signed_with(secret), delivery.headers
        assert delivery.headers["webhook-id"] == json.loads(delivery.body)["id"]
        assert json.loads(delivery.body)["specversion"] == "1.0"
    assert Counter(paths[d.path] for d in receiver.deliveries) == expected


async def _assert_audit(
    http: httpx.AsyncClient, system: System, referral_id: str, event_ids: list[str]
) -> None:
    url = f"{system.urls['audit']}/v1/audit/records?referral_id={referral_id}&limit=100"

    async def recorded() -> list[dict[str, Any]]:
        return (await http.get(url, headers=as_role("auditor"))).json()["items"]  # type: ignore[no-any-return]

    async def referral_events_recorded() -> bool:
        kinds = [i["type"] for i in await recorded()]
        return sum(k.startswith("tsunagu.referral.") for k in kinds) >= len(event_ids)

    await eventually(referral_events_recorded, timeout=30)
    items = await recorded()
    referral_records = [i for i in items if i["type"].startswith("tsunagu.referral.")]
    assert sorted(i["event_id"] for i in referral_records) == sorted(event_ids), (
        "each referral event exactly once"
    )
    delivery_records = [i for i in items if i["type"].startswith("tsunagu.notification.")]
    assert delivery_records, "webhook and Kafka deliveries are audited too"
    assert len({i["event_id"] for i in items}) == len(items)
    verify = f"{system.urls['audit']}/v1/audit/verify"
    verification = (await http.get(verify, headers=as_role("auditor"))).json()
    assert verification["ok"] is True, verification
    assert verification["records"] >= len(event_ids)


async def _assert_topics_hold_cloudevents_without_personal_data(
    bootstrap: str, start: dict[TopicPartition, int], kafka_agency: str
) -> None:
    """Everything published since the test began, and the agency's own topic, is clean."""
    since_start = await read_until_now(bootstrap, start)
    own_topic = await read_whole_topic(bootstrap, topics.agency_topic(kafka_agency))
    assert own_topic, "the agency that chose Kafka got its events on its own topic"
    for topic in topics.EVENT_TOPICS:
        assert [r for r in since_start if r.topic == topic], f"nothing on {topic}"
    for record in [*since_start, *own_topic]:
        message = ce_kafka.KafkaMessage(
            headers=dict(record.headers), key=record.key, value=record.value
        )
        event = ce_kafka.from_binary_event(message)
        assert event.get_specversion() == "1.0"
        assert event.get_type().startswith("tsunagu.")
        text = record.value.decode() + json.dumps(
            {k: v.decode(errors="replace") for k, v in record.headers}
        )
        assert not [p for p in PERSONAL if p in text], f"personal data on {record.topic}"
