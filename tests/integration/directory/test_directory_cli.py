"""`tsunagu directory export|import` against directories served in-process over HTTP."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import httpx
from click.testing import Result
from typer.testing import CliRunner

from services.directory.hsds.ids import taxonomy_id
from services.directory.hsds.validation import document_problems
from services.directory.settings import DirectorySettings
from tests.integration.directory.conftest import coordinator, serving
from tsunagu_ops.cli.main import app
from tsunagu_ops.demo.network import NETWORK

SERVICE_LOG_LINE = re.compile(rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[")
"""A line a service served in this process logged: it lands in the runner's capture too."""


async def tsunagu(*args: str) -> Result:
    """Run the command line in a thread, so the served apps keep answering on this loop; what
    those apps log meanwhile is taken out of the command's output."""
    result = await asyncio.to_thread(CliRunner().invoke, app, list(args))
    lines = result.stdout_bytes.splitlines(keepends=True)
    result.stdout_bytes = b"".join(line for line in lines if not SERVICE_LOG_LINE.match(line))
    return result


async def seed(url: str, count: int | None = None) -> None:
    async with httpx.AsyncClient(base_url=url, auth=coordinator()) as http:
        for entry in NETWORK[:count]:
            assert (await http.post("/v1/agencies", json=entry)).status_code == 201


async def test_the_cli_exports_a_directory_and_imports_it_into_an_empty_one(
    directory_settings: DirectorySettings,
    second_settings: DirectorySettings,
    tmp_path: Path,
    coordinator_file: Path,
) -> None:
    acting = ("--credential", str(coordinator_file))
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    async with serving(directory_settings) as source, serving(second_settings) as target:
        await seed(source)
        exported = await tsunagu(
            "directory", "export", "--url", source, "--output", str(first), *acting
        )
        assert exported.exit_code == 0, exported.output
        assert f"Exported {len(NETWORK)} organizations" in exported.stderr
        imported = await tsunagu("directory", "import", str(first), "--url", target, *acting)
        assert imported.exit_code == 0, imported.output
        assert "created" in imported.stdout
        again = await tsunagu("directory", "export", "--url", target, "-o", str(second), *acting)
        assert again.exit_code == 0, again.output
    document = json.loads(first.read_text(encoding="utf-8"))
    assert document_problems(document) == []
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


async def test_the_cli_import_names_each_refused_organization_and_exits_with_1(
    directory_settings: DirectorySettings, tmp_path: Path, coordinator_file: Path
) -> None:
    acting = ("--credential", str(coordinator_file))
    file = tmp_path / "directory.json"
    async with serving(directory_settings) as url:
        await seed(url, 3)
        async with httpx.AsyncClient(base_url=url, auth=coordinator()) as http:
            document = (await http.get("/v1/directory/export")).json()
        term = document["taxonomy_terms"][0]
        unknown = {**term, "id": taxonomy_id("stars"), "code": "astrology"}
        document["taxonomy_terms"].append(unknown)
        document["organizations"][0]["services"][0]["attributes"][0]["taxonomy_term_id"] = unknown[
            "id"
        ]
        file.write_text(json.dumps(document), encoding="utf-8")
        result = await tsunagu("directory", "import", str(file), "--url", url, *acting)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any("unchanged" in line and "2" in line for line in lines)
    assert any(line.startswith("refused") for line in lines)
    assert "- services.0.categories.0: unknown category code 'astrology'" in result.stdout


async def test_the_cli_says_so_when_the_directory_cannot_be_reached(
    tmp_path: Path, coordinator_file: Path
) -> None:
    acting = ("--credential", str(coordinator_file))
    result = await tsunagu("directory", "export", "--url", "http://127.0.0.1:9", *acting)
    assert result.exit_code == 1
    assert "export failed" in result.stderr
    file = tmp_path / "broken.json"
    file.write_text("{not json", encoding="utf-8")
    result = await tsunagu("directory", "import", str(file), "--url", "http://127.0.0.1:9", *acting)
    assert result.exit_code == 2
    assert "broken.json is not JSON" in " ".join(result.stderr.split())
