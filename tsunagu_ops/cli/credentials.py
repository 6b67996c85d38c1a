"""``tsunagu credentials create|list|revoke`` and ``tsunagu token``: clients of the issuer.

The commands act as the coordinator, with the credential `tsunagu up` saved under the data
folder (or the file given with ``--credential``), through the directory's HTTP API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry
from rich.console import Console

from tsunagu_ops.access import AccessError, ClientCredential, ClientTokens, token_request
from tsunagu_ops.localstack import default_layout

DEFAULT_URL = "http://127.0.0.1:8001"
KEY_TYPES = ("EC", "OKP", "RSA")
ROLES = ("agency", "coordinator", "auditor", "operator")

errors = Console(stderr=True)

Url = Annotated[str, typer.Option("--url", help="Base URL of the directory (the issuer).")]
CredentialFile = Annotated[
    Path | None,
    typer.Option(
        "--credential",
        help="The coordinator's credential (JSON); default: the one `tsunagu up` saved.",
    ),
]

AuditorCredential = Annotated[
    Path | None,
    typer.Option(
        "--credential",
        help="An auditor's client credential (JSON, as `tsunagu credentials create "
        "--role auditor` prints it): the audit routes need an auditor's token.",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the ``credentials`` group and the ``token`` command to ``app``."""
    group = typer.Typer(help="Clients of the built-in issuer.", no_args_is_help=True)
    group.command("create")(create_command)
    group.command("list")(list_command)
    group.command("revoke")(revoke_command)
    app.add_typer(group, name="credentials")
    app.command("token")(token_command)


def coordinator_auth(path: Path | None) -> ClientTokens:
    """Tokens of the coordinator whose credential is in `path` (or the local stack's)."""
    file = path or default_layout().coordinator_credential
    if not file.exists():
        errors.print(f"[red]no credential at {file}[/red]: run `tsunagu up` or pass --credential")
        raise typer.Exit(2)
    return ClientTokens(ClientCredential.load(file))


def create_command(
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")],
    agency: Annotated[
        str | None, typer.Option("--agency", help="The agency id (role agency only).")
    ] = None,
    private_key: Annotated[
        Path | None,
        typer.Option(
            "--private-key",
            exists=True,
            dir_okay=False,
            help="A key file (PEM or JWK); only its public half is registered "
            "(private_key_jwt) and no secret is issued.",
        ),
    ] = None,
    url: Url = DEFAULT_URL,
    credential: CredentialFile = None,
) -> None:
    """Register a client; print {client_id, client_secret, token_url, role, agency_id}."""
    body: dict[str, Any] = {"role": role, "agency_id": agency}
    if private_key is not None:
        body["public_jwk"] = public_jwk(private_key)
    created = _call(url, credential, "POST", "/v1/clients", json=body, expected=201)
    keys = ("client_id", "client_secret", "token_url", "role", "agency_id")
    typer.echo(json.dumps({key: created.get(key) for key in keys}))


def list_command(
    agency: Annotated[str | None, typer.Option("--agency", help="Only this agency's.")] = None,
    url: Url = DEFAULT_URL,
    credential: CredentialFile = None,
) -> None:
    """List the registered clients, one JSON object a line (never their secrets)."""
    params = {"agency_id": agency} if agency else {}
    found = _call(url, credential, "GET", "/v1/clients", params=params, expected=200)
    for item in found["items"]:
        typer.echo(json.dumps(item))


def revoke_command(
    client_id: Annotated[str, typer.Argument(help="The client to revoke.")],
    url: Url = DEFAULT_URL,
    credential: CredentialFile = None,
) -> None:
    """Revoke a client: it gets no new tokens."""
    _call(url, credential, "DELETE", f"/v1/clients/{client_id}", expected=204)
    errors.print(f"Revoked {client_id}.")


def token_command(
    client_id: Annotated[str, typer.Option("--client-id")],
    client_secret: Annotated[str, typer.Option("--client-secret")],
    token_url: Annotated[
        str, typer.Option("--token-url", help="The issuer's token endpoint.")
    ] = f"{DEFAULT_URL}/oauth/token",
) -> None:
    """Print an access token obtained with the client's id and secret."""
    credential = ClientCredential(client_id, client_secret, token_url)
    with httpx.Client(timeout=30) as http:
        try:
            response = http.send(token_request(credential))
        except httpx.HTTPError as error:
            errors.print(f"[red]cannot reach {token_url}:[/red] {error}")
            raise typer.Exit(1) from error
    if response.status_code != 200:
        errors.print(f"[red]refused ({response.status_code}):[/red] {response.text}")
        raise typer.Exit(1)
    typer.echo(response.json()["access_token"])


def public_jwk(path: Path) -> dict[str, Any]:
    """The public JWK of a PEM or JWK key file (the private half is never sent)."""
    raw = path.read_bytes()
    if raw.lstrip().startswith(b"{"):
        kinds: tuple[str | None, ...] = (None,)
        data: Any = json.loads(raw)
    else:
        kinds, data = KEY_TYPES, raw
    for kind in kinds:
        try:
            return dict(JWKRegistry.import_key(data, kind).as_dict(private=False))
        except (JoseError, ValueError, TypeError):
            continue
    errors.print(f"[red]{path} holds no EC, OKP or RSA key (PEM or JWK)[/red]")
    raise typer.Exit(2)


def _call(
    url: str, credential: Path | None, method: str, path: str, *, expected: int, **kwargs: Any
) -> Any:
    auth = coordinator_auth(credential)
    with httpx.Client(base_url=url, timeout=30, auth=auth) as http:
        try:
            response = http.request(method, path, **kwargs)
        except (httpx.HTTPError, AccessError) as error:
            errors.print(f"[red]{method} {path} failed:[/red] {error}")
            raise typer.Exit(1) from error
    if response.status_code != expected:
        errors.print(f"[red]{method} {path} → {response.status_code}:[/red] {response.text}")
        raise typer.Exit(1)
    return response.json() if response.content else None
