"""``tsunagu directory export|import``: the directory as Open Referral HSDS 3.0 JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from tsunagu_ops.cli.credentials import CredentialFile, coordinator_auth

DEFAULT_URL = "http://127.0.0.1:8001"
BATCH = 25
RESULTS = ("created", "updated", "unchanged", "refused")

console = Console()
status = Console(stderr=True)

Url = Annotated[str, typer.Option("--url", help="Base URL of the directory service.")]


class DirectoryUnavailable(RuntimeError):
    """The directory answered with an error, or not at all."""


def register(app: typer.Typer) -> None:
    """Add the ``directory`` command group to ``app``."""
    group = typer.Typer(help="Export and import the directory (HSDS 3.0).", no_args_is_help=True)
    group.command("export")(export_command)
    group.command("import")(import_command)
    app.add_typer(group, name="directory")


def export_command(
    url: Url = DEFAULT_URL,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of to stdout.")
    ] = None,
    credential: CredentialFile = None,
) -> None:
    """Write every active agency as an HSDS 3.0 JSON document (hidden locations never are)."""
    auth = coordinator_auth(credential)
    with httpx.Client(base_url=url, timeout=120, auth=auth) as http:
        try:
            with status.status("Exporting the directory…"):
                document = export_directory(http)
        except DirectoryUnavailable as error:
            status.print(f"[red]export failed:[/red] {error}")
            raise typer.Exit(1) from error
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
    count = len(document.get("organizations", []))
    status.print(f"Exported {count} organizations to {output or 'stdout'}.")


def import_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="An HSDS export.")
    ],
    url: Url = DEFAULT_URL,
    credential: CredentialFile = None,
) -> None:
    """Create or update one agency per organization of FILE; exit 1 if any was refused."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        status.print(f"[red]{file} is not JSON:[/red] {error}")
        raise typer.Exit(2) from error
    if not isinstance(document, dict):
        status.print(f"[red]{file} is not an HSDS document (an object with organizations).[/red]")
        raise typer.Exit(2)
    with httpx.Client(base_url=url, timeout=120, auth=coordinator_auth(credential)) as http:
        try:
            report = import_directory(http, document)
        except DirectoryUnavailable as error:
            status.print(f"[red]import failed:[/red] {error}")
            raise typer.Exit(1) from error
    print_report(report)
    if report["counts"]["refused"]:
        raise typer.Exit(1)


def export_directory(http: httpx.Client) -> dict[str, Any]:
    """Fetch the HSDS export from the directory at the client's base URL."""
    document: dict[str, Any] = _answer(http, "GET", "/v1/directory/export")
    return document


def import_directory(http: httpx.Client, document: dict[str, Any]) -> dict[str, Any]:
    """Send the organizations in batches, with progress; return the combined report."""
    organizations = list(document.get("organizations") or [])
    rest = {key: value for key, value in document.items() if key != "organizations"}
    report: dict[str, Any] = {"counts": dict.fromkeys(RESULTS, 0), "outcomes": []}
    columns = (TextColumn("Importing"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=status) as progress:
        task = progress.add_task("import", total=len(organizations))
        for start in range(0, max(len(organizations), 1), BATCH):
            batch = organizations[start : start + BATCH]
            part = _answer(
                http, "POST", "/v1/directory/import", json={**rest, "organizations": batch}
            )
            for result in RESULTS:
                report["counts"][result] += part["counts"][result]
            report["outcomes"] += part["outcomes"]
            progress.advance(task, len(batch))
    return report


def print_report(report: dict[str, Any]) -> None:
    """Print the counts, then every organization refused and why."""
    counts = Table("result", "organizations", title="Import", title_justify="left")
    for result in RESULTS:
        counts.add_row(result, str(report["counts"][result]))
    console.print(counts)
    refused = [o for o in report["outcomes"] if o["result"] == "refused"]
    for outcome in refused:
        named = f"{outcome['name']} ({outcome['organization_id']}):"
        console.print(Text.assemble(("refused ", "red"), named))
        for reason in outcome["reasons"]:
            console.print(f"  - {reason}", markup=False, highlight=False, soft_wrap=True)


def _answer(http: httpx.Client, method: str, path: str, **kwargs: Any) -> Any:
    try:
        response = http.request(method, path, **kwargs)
    except httpx.HTTPError as error:
        raise DirectoryUnavailable(f"{http.base_url}: {error}") from error
    if response.status_code != 200:
        raise DirectoryUnavailable(_problem_text(response))
    return response.json()


def _problem_text(response: httpx.Response) -> str:
    try:
        problem = response.json()
    except ValueError:
        return f"{response.status_code}: {response.text[:500]}"
    lines = [f"{response.status_code}: {problem.get('detail', problem)}"]
    lines += [f"  {e.get('field')}: {e.get('message')}" for e in problem.get("errors") or []]
    return "\n".join(lines)
