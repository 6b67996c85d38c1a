"""A failed journey is counted by its reason (the step and its answer, or the error), and the
first few are kept in full for the report."""

from __future__ import annotations

import asyncio

import httpx

from tsunagu_ops.bench.journeys import MAX_EXAMPLES, JourneyDriver, Network


class _Tokens:
    def agency(self, agency_id: str) -> None:
        return None


def _answer(request: httpx.Request) -> httpx.Response:
    step = request.url.path.rsplit("/", 1)[-1]
    if step == "referrals":
        return httpx.Response(201, json={"id": "ref_0123456789ab"})
    if step == "accept":
        problem = {"type": "https://tsunagu.org/problems/agency-not-found", "status": 404}
        headers = {"content-type": "application/problem+json"}
        return httpx.Response(404, json=problem, headers=headers)
    raise httpx.ReadTimeout("no answer", request=request)


async def test_failed_journeys_are_counted_by_step_and_problem_type() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(_answer)) as http:
        network = Network("agc_aaaaaaaaaaaa", "agc_bbbbbbbbbbbb", "agc_cccccccccccc")
        driver = JourneyDriver(http, "http://referrals", network, _Tokens())  # type: ignore[arg-type]
        await driver.run(5, referrals_per_second=1000, concurrency=2)
    assert dict(driver.calls.failures) == {"accept: 404 agency-not-found": 5}
    assert len(driver.calls.examples) == MAX_EXAMPLES
    assert "http://referrals/v1/referrals/ref_0123456789ab/accept" in driver.calls.examples[0]
    assert driver.completed == 0


async def test_a_call_without_an_answer_is_counted_as_its_error() -> None:
    def silent(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(silent)) as http:
        network = Network("agc_aaaaaaaaaaaa", "agc_bbbbbbbbbbbb", "agc_cccccccccccc")
        driver = JourneyDriver(http, "http://referrals", network, _Tokens())  # type: ignore[arg-type]
        await asyncio.wait_for(driver.run(2, referrals_per_second=1000, concurrency=2), 10)
    assert dict(driver.calls.failures) == {"create: ReadTimeout": 2}
    assert "http://referrals/v1/referrals" in driver.calls.examples[0]
