"""The console's own clients: an operator and an auditor, registered by the coordinator."""

from __future__ import annotations

from pathlib import Path

import httpx

from tsunagu_ops.access import AccessError, ClientCredential, ClientTokens

CONSOLE_ROLES = ("operator", "auditor")


def credential_path(folder: Path, role: str) -> Path:
    """Where the console's credential of `role` is kept."""
    return folder / f"console-{role}.json"


def ensure_console_clients(
    directory_url: str, coordinator: ClientCredential, folder: Path
) -> dict[str, Path]:
    """Register an operator and an auditor client unless their files exist; the files (0600)."""
    paths = {role: credential_path(folder, role) for role in CONSOLE_ROLES}
    missing = [role for role, path in paths.items() if not path.exists()]
    if not missing:
        return paths
    with httpx.Client(base_url=directory_url, auth=ClientTokens(coordinator)) as client:
        for role in missing:
            response = client.post("/v1/clients", json={"role": role, "agency_id": None})
            if response.status_code != 201:
                raise AccessError(f"no {role} client: {response.status_code} {response.text}")
            body = response.json()
            ClientCredential(
                client_id=body["client_id"],
                client_secret=body["client_secret"],
                token_url=body["token_url"],
                role=role,
            ).save(paths[role])
    return paths
