"""The network's harder stories: a declined referral rerouted, a missed deadline escalated,
a family supported by two linked referrals."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from tsunagu_ops.demo.journey import (
    DemoClient,
    DemoError,
    Say,
    expect,
    post_when_known,
    referral_body,
)
from tsunagu_ops.demo.network import DV_SHELTER, FOOD_BANK, HOTLINE, WELFARE_OFFICE

CAFETERIA = "こども食堂ネットワーク"
LONGEST_WAIT_SECONDS = 60.0


def reroute_declined(http: DemoClient, referrals: str, ids: dict[str, str], say: Say) -> str:
    """The food bank declines; the hotline keeps the case and routes it to the city office."""
    hotline, food_bank, welfare = ids[HOTLINE], ids[FOOD_BANK], ids[WELFARE_OFFICE]
    body = referral_body(hotline, food_bank, needs=("livelihood",), note="Rent arrears.")
    referral = post_when_known(http, f"{referrals}/v1/referrals", body, agency=hotline)
    base = f"{referrals}/v1/referrals/{referral['id']}"
    declined = post_when_known(http, f"{base}/decline", {"reason": "no_capacity"}, agency=food_bank)
    say(
        f"6. {FOOD_BANK} declined {referral['id']} (no capacity): the case stays with "
        f"{HOTLINE}, status {declined['status']}"
    )
    handoff = {"to_agency_id": welfare, "reason": "declined_elsewhere"}
    post_when_known(http, f"{base}/handoff", handoff, agency=hotline)
    accepted = post_when_known(http, f"{base}/accept", {}, agency=welfare)
    legs = ", ".join(f"{leg['to_agency_id']}: {leg['status']}" for leg in accepted["legs"])
    say(f"7. {HOTLINE} rerouted it to {WELFARE_OFFICE}, who accepted (legs: {legs})")
    return str(referral["id"])


def escalate_missed_deadline(
    http: DemoClient, referrals: str, ids: dict[str, str], say: Say
) -> str:
    """An emergency referral nobody accepts in time is flagged and escalated; it is left
    waiting, so the console's Overdue page shows it."""
    hotline, shelter = ids[HOTLINE], ids[DV_SHELTER]
    body = referral_body(
        hotline, shelter, needs=("domestic_violence",), urgency="emergency", note="Unsafe at home."
    )
    referral = post_when_known(http, f"{referrals}/v1/referrals", body, agency=hotline)
    deadline = datetime.fromisoformat(referral["accept_by"])
    wait = (deadline - datetime.now(deadline.tzinfo)).total_seconds()
    say(f"8. {HOTLINE} sent an emergency referral to {DV_SHELTER}; accept by {deadline:%H:%M:%S}")
    if wait > LONGEST_WAIT_SECONDS:
        say(
            f"   (the deadline is {wait:.0f}s away: start the stack with `tsunagu up --demo` "
            "for a short demo deadline; the breach is not shown)"
        )
        return str(referral["id"])
    overdue = _wait_until_overdue(http, referrals, str(referral["id"]), hotline, wait + 30)
    leg = overdue["legs"][-1]
    say(
        f"9. Not accepted in time: flagged overdue at {leg['sla_breached_at']}, escalated to "
        f"{leg['escalated_to'] or 'no coordinator yet (the next `tsunagu up --demo` names it)'}"
    )
    say(
        f"10. It still waits for {DV_SHELTER}'s answer, escalated: the console's Overdue page "
        "lists it until someone acts"
    )
    return str(referral["id"])


def _wait_until_overdue(
    http: DemoClient, referrals: str, referral_id: str, agency: str, timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = expect(
            http.get(f"{referrals}/v1/referrals/{referral_id}", auth=http.agency(agency)),
            200,
        )
        if view["overdue"]:
            return view
        time.sleep(1.0)
    raise DemoError(f"referral {referral_id} was not flagged overdue within {timeout:.0f}s")


def support_family(http: DemoClient, referrals: str, ids: dict[str, str], say: Say) -> None:
    """The city office refers a mother and her child, and links the two referrals."""
    welfare, shelter = ids[WELFARE_OFFICE], ids[DV_SHELTER]
    cafeteria = ids.get(CAFETERIA, ids[FOOD_BANK])
    url = f"{referrals}/v1/referrals"
    mother = post_when_known(
        http,
        url,
        referral_body(welfare, shelter, needs=("domestic_violence",), subject="母 (demo)"),
        agency=welfare,
    )
    child = post_when_known(
        http, url, referral_body(welfare, cafeteria, subject="子 (demo)"), agency=welfare
    )
    post_when_known(
        http, f"{url}/{mother['id']}/links", {"referral_id": child["id"]}, agency=welfare
    )
    seen = expect(http.get(f"{url}/{child['id']}/links", auth=http.agency(cafeteria)), 200)
    hidden = http.get(f"{url}/{mother['id']}", auth=http.agency(cafeteria)).status_code
    shown = ", ".join(f"{r['id']} ({r['status']})" for r in seen["items"])
    say(f"11. {WELFARE_OFFICE} linked a mother's and a child's referrals as one household")
    say(f"    the child's agency sees a related referral: {shown}; reading it → {hidden}")
