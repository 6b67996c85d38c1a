"""Rendering the console's pages: the chosen language's words, the CSRF token, the figures."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from hmac import compare_digest
from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tsunagu_ops.console.catalogue import COOKIE, LANGUAGES, catalogue, chosen_language

CSRF_COOKIE = "tsunagu_console_csrf"
TEMPLATES = Jinja2Templates(directory=str(files(__package__).joinpath("templates")))


class Words:
    """The strings of one language, looked up as attributes or formatted with `fill`."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._strings = catalogue(language)

    def __getattr__(self, key: str) -> str:
        try:
            return self._strings[key]
        except KeyError:
            raise AttributeError(key) from None

    def fill(self, key: str, **values: object) -> str:
        """The string `key` with `values` put in its `{name}` places."""
        return self._strings[key].format(**values)

    def number(self, value: int | None) -> str:
        """A count, or the withheld mark when the service withheld it (null)."""
        return self._strings["withheld"] if value is None else str(value)

    def rate(self, value: float | None) -> str:
        """A rate as a percentage; a dash when there is none."""
        return self._strings["none"] if value is None else f"{value * 100:.0f}%"

    def duration(self, seconds: float | None) -> str:
        """A duration in minutes, hours or days, whichever reads best."""
        if seconds is None:
            return self._strings["none"]
        if seconds < 60:
            return self.fill("seconds", n=round(seconds))
        if seconds < 3600:
            return self.fill("minutes", n=round(seconds / 60))
        if seconds < 86400 * 2:
            return self.fill("hours", n=round(seconds / 3600, 1))
        return self.fill("days", n=round(seconds / 86400, 1))


def csrf_token(request: Request) -> str:
    """The browser's CSRF token (its cookie), or a new one that `page` will set."""
    token = request.cookies.get(CSRF_COOKIE)
    return token if token else secrets.token_urlsafe(32)


def csrf_valid(request: Request, submitted: str) -> bool:
    """Whether a form's token is the one in the browser's cookie (double-submit)."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and compare_digest(cookie.encode(), submitted.encode())


def page(
    request: Request, template: str, context: Mapping[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render `template` in the browser's language, keeping its CSRF token in a cookie."""
    language = chosen_language(request.cookies.get(COOKIE))
    token = csrf_token(request)
    full = {
        "t": Words(language),
        "language": language,
        "languages": LANGUAGES,
        "csrf": token,
        "path": request.url.path,
        **context,
    }
    response = TEMPLATES.TemplateResponse(request, template, full, status_code=status_code)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response
