"""The Pipeline page: consumer lag and dead letters, refreshed live; replaying a parked event."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tsunagu.messaging.login import KafkaLogin
from tsunagu_ops.console.pipeline import consumer_lag, dead_letters, replay_next
from tsunagu_ops.console.rendering import csrf_valid, page
from tsunagu_ops.console.settings import ConsoleSettings
from tsunagu_schemas.topics import EVENT_TOPICS

router = APIRouter()


async def _figures(request: Request) -> dict[str, object]:
    """The lag of each group and the dead letters of each topic."""
    login: KafkaLogin = request.app.state.kafka
    settings: ConsoleSettings = request.app.state.settings
    return {
        "lags": await consumer_lag(login, settings.groups()),
        "letters": await dead_letters(login),
        "refresh": settings.refresh_seconds,
    }


@router.get("/pipeline", response_class=HTMLResponse)
async def pipeline(
    request: Request,
    replayed: Annotated[str | None, Query(max_length=200)] = None,
    count: Annotated[int, Query(ge=0, le=1)] = 0,
    refused: Annotated[int, Query(ge=0, le=1)] = 0,
) -> HTMLResponse:
    """The whole page (saying what a replay just did); its figures then refresh themselves
    from `/pipeline/live`."""
    done = (replayed, count, refused) if replayed in EVENT_TOPICS else None
    return page(request, "pipeline.html", {**await _figures(request), "replayed": done})


@router.get("/pipeline/live", response_class=HTMLResponse)
async def pipeline_live(request: Request) -> HTMLResponse:
    """The figures alone, for the page's polling."""
    return page(request, "pipeline_live.html", await _figures(request))


@router.post("/pipeline/replay", response_class=HTMLResponse)
async def replay(
    request: Request, topic: Annotated[str, Form()], csrf: Annotated[str, Form()]
) -> Response:
    """Replay the first parked event of `topic` not replayed yet (a form with the CSRF token),
    then go back to the page."""
    if not csrf_valid(request, csrf):
        return page(request, "refused.html", {"reason": "CSRF token"}, status_code=403)
    if topic not in EVENT_TOPICS:
        return page(request, "refused.html", {"reason": f"topic {topic}"}, status_code=422)
    count, refused = await replay_next(request.app.state.kafka, topic)
    target = f"/pipeline?replayed={topic}&count={count}&refused={refused}"
    return RedirectResponse(target, status_code=303)
