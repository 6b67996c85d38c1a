"""Seeding the network and walking one referral through it, against the running services."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tsunagu_ops.access import NetworkTokens
from tsunagu_ops.demo.network import FOOD_BANK, HOTLINE, NETWORK, WELFARE_OFFICE

DEMO_REFERRALS_ENV: dict[str, str] = {
    "TSUNAGU_REFERRALS_SLA_EMERGENCY_SECONDS": "15",
    "TSUNAGU_REFERRALS_SLA_SCAN_SECONDS": "2",
}
"""What `tsunagu up --demo` gives the referrals service: a 15-second emergency deadline, so the
demo can show a breach escalated to the city office without waiting an hour. The city office
is the coordinator agency, named by id (`coordinator_env`) once the demo has registered it."""
Say = Callable[[str], None]


def coordinator_env(agency_id: str) -> dict[str, str]:
    """The settings naming the coordinator agency (by id) to referrals and notifications."""
    return {
        "TSUNAGU_REFERRALS_COORDINATOR_AGENCY_ID": agency_id,
        "TSUNAGU_NOTIFICATIONS_COORDINATOR_AGENCY_ID": agency_id,
    }


class DemoClient(httpx.Client):
    """An HTTP client acting as the coordinator, or as an agency or auditor when asked."""

    def __init__(self, tokens: NetworkTokens, **kwargs: Any) -> None:
        super().__init__(auth=tokens.coordinator, **kwargs)
        self.tokens = tokens

    def agency(self, agency_id: str) -> httpx.Auth:
        """Act as the agency `agency_id`."""
        return self.tokens.agency(agency_id)

    def auditor(self) -> httpx.Auth:
        """Act as an auditor."""
        return self.tokens.role("auditor")


class DemoError(RuntimeError):
    """The demo could not go on; the message says where."""


def expect(response: httpx.Response, *expected: int) -> dict[str, Any]:
    """The JSON body of a response with one of the expected statuses, or DemoError."""
    if response.status_code not in expected:
        raise DemoError(
            f"{response.request.method} {response.request.url} → "
            f"{response.status_code}: {response.text}"
        )
    return response.json() if response.content else {}


def seed_network(http: DemoClient, directory: str, say: Say) -> dict[str, str]:
    """Register every agency of the network once; return their ids by name."""
    ids: dict[str, str] = {}
    for entry in NETWORK:
        found = expect(http.get(f"{directory}/v1/agencies", params={"q": entry["name"]}), 200)
        same = [a for a in found.get("items", []) if a["name"] == entry["name"]]
        if same:
            ids[entry["name"]] = same[0]["id"]
            continue
        created = expect(http.post(f"{directory}/v1/agencies", json=entry), 201)
        ids[entry["name"]] = created["id"]
        say(f"  registered {entry['name']} ({created['id']})")
    say(f"Directory holds the network: {len(ids)} agencies.")
    return ids


def referral_body(
    sender: str,
    receiver: str,
    *,
    needs: tuple[str, ...] = ("food",),
    urgency: str = "urgent",
    note: str = "Caller has not eaten for two days; lives alone.",
    subject: str = "市民 太郎 (demo)",
) -> dict[str, Any]:
    """A referral under the subject's consent for the whole network, valid half a year."""
    now = datetime.now(UTC)
    return {
        "from_agency_id": sender,
        "to_agency_id": receiver,
        "needs": list(needs),
        "urgency": urgency,
        "note": note,
        "subject": {"display_name": subject, "birth_year": 1968},
        "basis": {
            "kind": "consent",
            "given_by": "subject",
            "scope": "network",
            "obtained_at": now.isoformat(),
            "expires_at": (now + timedelta(days=180)).isoformat(),
        },
    }


def post_when_known(
    http: DemoClient, url: str, body: dict[str, Any], *, agency: str, timeout: float = 60.0
) -> dict[str, Any]:
    """POST once the referrals service has learnt the agencies involved from directory events.

    Until then it answers 422 (agency not in its directory), so that answer is retried a while.
    """
    deadline = time.monotonic() + timeout
    while True:
        response = http.post(url, json=body, auth=http.agency(agency))
        if response.status_code != 422 or time.monotonic() > deadline:
            return expect(response, 200, 201)
        time.sleep(0.5)


def walk_referral(http: DemoClient, referrals: str, ids: dict[str, str], say: Say) -> str:
    """Create → accept → hand off → accept → close, printing each step; return the id."""
    hotline, food_bank, welfare = ids[HOTLINE], ids[FOOD_BANK], ids[WELFARE_OFFICE]
    referral = post_when_known(
        http, f"{referrals}/v1/referrals", referral_body(hotline, food_bank), agency=hotline
    )
    base = f"{referrals}/v1/referrals/{referral['id']}"
    say(f"1. {HOTLINE} referred a caller to {FOOD_BANK}: {referral['id']} is {referral['status']}")
    steps: list[tuple[str, str, dict[str, Any], str]] = [
        (food_bank, "accept", {}, f"2. {FOOD_BANK} accepted"),
        (
            food_bank,
            "handoff",
            {
                "to_agency_id": welfare,
                "needs": ["livelihood"],
                "reason": "needs_other_support",
                "keep_following": True,
            },
            f"3. {FOOD_BANK} handed off to {WELFARE_OFFICE} (and keeps following)",
        ),
        (welfare, "accept", {}, f"4. {WELFARE_OFFICE} accepted and now holds the case"),
        (
            welfare,
            "close",
            {"outcome": "resolved", "comment": "Enrolled in livelihood support."},
            f"5. {WELFARE_OFFICE} closed the case",
        ),
    ]
    for agency, action, body, text in steps:
        state = post_when_known(http, f"{base}/{action}", body, agency=agency)
        say(f"{text}: status {state['status']}, version {state['version']}")
    return str(referral["id"])


def verify_audit(
    http: DemoClient, audit: str, referral_id: str, say: Say, timeout: float = 30.0
) -> bool:
    """Wait for the referral's five events in the audit log, then verify the log."""
    deadline = time.monotonic() + timeout
    items: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        page = expect(
            http.get(
                f"{audit}/v1/audit/records",
                params={"referral_id": referral_id, "limit": 100},
                auth=http.auditor(),
            ),
            200,
        )
        items = page["items"]
        if len(items) >= 5:
            break
        time.sleep(0.5)
    for item in items:
        say(f"  audit #{item['seq']}: {item['type']} by {item['actor']}")
    result = expect(http.get(f"{audit}/v1/audit/verify", auth=http.auditor()), 200)
    if result.get("ok"):
        say(
            f"Audit verification: ok ({result['records']} records, tree root {result['root_hash']})"
        )
    else:
        say(
            f"Audit verification FAILED at seq {result.get('first_bad_seq')}: "
            f"{result.get('reason')}"
        )
    return bool(result.get("ok")) and len(items) >= 5
