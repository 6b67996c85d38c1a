"""Managing clients over HTTP: the coordinator registers, lists and revokes credentials."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from tsunagu.auth import Role
from tsunagu.web import Problem, problem_responses
from tsunagu.web.params import AgencyIdQuery, IdPath

from ..credentials import Credentials
from ..domain import Client, ClientNotFound, CredentialError

AgencyExists = Callable[[str], Awaitable[bool]]
AuthMethod = Literal["client_secret_basic", "private_key_jwt"]


class ClientRegistration(BaseModel):
    """A client to register: its role, the agency it acts for, and optionally a public key."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    agency_id: str | None = Field(default=None, max_length=64, description="For `agency` only.")
    scopes: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=20)
    public_jwk: dict[str, Any] | None = Field(
        default=None, description="A public JWK for private_key_jwt instead of a secret."
    )


class NewCredentialView(BaseModel):
    """A registered client; `client_secret` is shown this once and never again."""

    client_id: str
    client_secret: str | None
    token_url: str
    role: Role
    agency_id: str | None


class ClientView(BaseModel):
    """A registered client, without any secret."""

    client_id: str
    role: Role
    agency_id: str | None
    scopes: list[str]
    auth_method: AuthMethod
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, client: Client) -> ClientView:
        """The view of a client."""
        method: AuthMethod = "private_key_jwt" if client.public_jwk else "client_secret_basic"
        return cls(
            client_id=client.client_id,
            role=client.role,
            agency_id=client.agency_id,
            scopes=sorted(client.scopes),
            auth_method=method,
            created_at=client.created_at,
            revoked_at=client.revoked_at,
        )


class ClientList(BaseModel):
    """Registered clients in id order."""

    items: list[ClientView]


def clients_router(
    *, credentials: Credentials, token_url: str, agency_exists: AgencyExists
) -> APIRouter:
    """Routes of the built-in issuer's clients (the access policy admits the coordinator)."""
    router = APIRouter(prefix="/v1/clients", tags=["identity"])

    @router.post(
        "",
        status_code=201,
        response_model=NewCredentialView,
        responses=problem_responses(422),
        summary="Register a client (secret or public key)",
    )
    async def create_client(body: ClientRegistration) -> JSONResponse:
        """Register a client for a role; an agency client must name an active agency."""
        if body.agency_id is not None and not await agency_exists(body.agency_id):
            raise Problem(422, f"no active agency {body.agency_id!r}", kind="unknown-agency")
        try:
            new = await credentials.create(
                role=body.role,
                agency_id=body.agency_id,
                scopes=frozenset(body.scopes),
                public_jwk=body.public_jwk,
            )
        except CredentialError as exc:
            raise Problem(422, str(exc), kind="invalid-client") from exc
        view = NewCredentialView(
            client_id=new.client.client_id,
            client_secret=new.client_secret,
            token_url=token_url,
            role=new.client.role,
            agency_id=new.client.agency_id,
        )
        headers = {"Cache-Control": "no-store"}
        return JSONResponse(view.model_dump(mode="json"), status_code=201, headers=headers)

    @router.get("", response_model=ClientList, summary="List clients")
    async def list_clients(agency_id: AgencyIdQuery = None) -> ClientList:
        """Every client, or one agency's; secrets are never shown."""
        found = await credentials.list(agency_id=agency_id)
        return ClientList(items=[ClientView.of(c) for c in found])

    @router.delete(
        "/{client_id}",
        status_code=204,
        responses=problem_responses(404),
        summary="Revoke a client",
    )
    async def revoke_client(client_id: IdPath) -> Response:
        """Revoke a client: it gets no new tokens (those issued expire within minutes)."""
        try:
            await credentials.revoke(client_id)
        except ClientNotFound as exc:
            raise Problem(404, f"no client {client_id!r}") from exc
        return Response(status_code=204)

    return router
