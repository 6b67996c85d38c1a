"""Who may call which route: one access rule per route, checked before the route runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import Request

from .claims import Principal, Role

RouteKey = tuple[str, str]
"""A route as (method, path template), e.g. ("GET", "/v1/agencies/{agency_id}")."""


class Refused(Exception):
    """The caller may not make this request: 403, or 404 where existence must not leak."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class Rule:
    """The roles that may call a route, and which agency an agency (or delegate) must be.

    `own_agency` names the path or query parameter holding an agency id: an `agency` caller
    must be that agency (an absent optional query parameter means its own). `delegates` lets
    another role act for one agency named by id, e.g. the coordinator reading the coordinator
    agency's inbox. `hide` answers 404 instead of 403 where existence must not leak.
    """

    roles: frozenset[Role] = frozenset()
    own_agency: str | None = None
    delegates: Mapping[Role, str | None] = field(default_factory=dict)
    public: bool = False
    hide: bool = False

    def check(self, principal: Principal, request: Request) -> None:
        """Refused (403, or 404 when hiding) unless `principal` may make `request`."""
        named = _named_agency(request, self.own_agency)
        if principal.role in self.delegates:
            allowed = self.delegates[principal.role]
            if allowed is not None and named == allowed:
                return
        if principal.role not in self.roles:
            roles = ", ".join(sorted(r.value for r in self.roles)) or "no role"
            raise Refused(403, f"this needs the role {roles}")
        if principal.role is Role.AGENCY and named is not None and named != principal.agency_id:
            if self.hide:
                raise Refused(404, "nothing found here for this agency")
            raise Refused(403, "an agency acts only for itself")


def allow(*roles: Role, own_agency: str | None = None, hide: bool = False) -> Rule:
    """A rule letting `roles` call the route (an agency only for itself)."""
    return Rule(roles=frozenset(roles), own_agency=own_agency, hide=hide)


PUBLIC = Rule(public=True)
"""No token needed: health, readiness and the issuer's own endpoints."""

AccessPolicy = Mapping[RouteKey, Rule]
"""A service's whole access policy: the rule of every route it serves."""


def _named_agency(request: Request, parameter: str | None) -> str | None:
    if parameter is None:
        return None
    value = request.path_params.get(parameter) or request.query_params.get(parameter)
    return None if value is None else str(value)


def unruled_routes(routes: list[RouteKey], policy: AccessPolicy) -> list[RouteKey]:
    """The routes `policy` has no rule for (they would be refused to everyone)."""
    return [route for route in routes if route not in policy]
