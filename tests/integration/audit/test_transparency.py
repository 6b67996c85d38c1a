"""The verifiable log over real HTTP: checkpoints, proofs, a witness, and a rewrite detected."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from pymongo import AsyncMongoClient
from typer.testing import CliRunner

from services.audit.adapters.key_file import load_or_create_key
from services.audit.adapters.mongo import COLLECTION
from services.audit.domain import AuditRecord, open_checkpoint, read_record
from services.audit.domain.merkle import (
    Frontier,
    InvalidProof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from services.audit.domain.signed_note import (
    CosignatureVerifier,
    Cosigner,
    read_verifier_key,
    verifier_key,
)
from services.audit.main import create_app
from services.audit.settings import AuditSettings
from tests import spec_verifier as spec
from tests.access import PrincipalAuth, TestIssuer, session_issuer
from tests.integration.audit.sample_events import fresh_id, referral_data
from tests.integration.harness import eventually, publish_event
from tsunagu.auth import Role
from tsunagu_ops.access import ClientCredential
from tsunagu_ops.cli.main import app as command_line
from tsunagu_ops.localstack.ports import free_port

WITNESS = "witness.test"


@dataclass(frozen=True)
class Witnessing:
    """What a witness process is started with."""

    key_file: Path
    state_file: Path
    verifier: CosignatureVerifier
    credential: Path  # an auditor's client credential: the audit routes need its token

    @property
    def vkey(self) -> str:
        """The witness's verifier key, as the log is configured with it."""
        return verifier_key(self.verifier)

    def run_once(self, log: str, log_vkey: str) -> Any:
        """One round of `tsunagu witness`."""
        return cli(
            "witness",
            "--key-file",
            str(self.key_file),
            "--state",
            str(self.state_file),
            "--name",
            WITNESS,
            "--log",
            log,
            "--log-key",
            log_vkey,
            "--credential",
            str(self.credential),
            "--once",
        )


@pytest.fixture
async def auditor_credential(test_issuer: TestIssuer, tmp_path: Path) -> Path:
    """A file with an auditor's client credential, as `tsunagu credentials create` writes it."""
    new = await test_issuer.credentials.create(role=Role.AUDITOR, agency_id=None)
    assert new.client_secret is not None
    path = tmp_path / "auditor.json"
    token_url = f"{test_issuer.url}/oauth/token"
    ClientCredential(new.client.client_id, new.client_secret, token_url, "auditor").save(path)
    return path


@pytest.fixture
def witness(tmp_path: Path, auditor_credential: Path) -> Witnessing:
    """A witness's key file (made now) and state file, its vkey and its verifier."""
    key_file = tmp_path / "witness.pem"
    cosigner = Cosigner(WITNESS, load_or_create_key(key_file))
    state = tmp_path / "witness.json"
    return Witnessing(key_file, state, cosigner.verifier(), auditor_credential)


def auditor_http(served: str) -> httpx.AsyncClient:
    """An HTTP client to the served log, sending an auditor's token."""
    auth = PrincipalAuth(session_issuer(), default="auditor")
    return httpx.AsyncClient(base_url=served, timeout=30, auth=auth)


@pytest.fixture
async def served(audit_settings: AuditSettings, witness: Witnessing) -> AsyncIterator[str]:
    """The audit service, trusting the witness, behind a real HTTP server; its base URL."""
    async with serving(audit_settings, witness) as url:
        yield url


@asynccontextmanager
async def serving(audit_settings: AuditSettings, witness: Witnessing) -> AsyncIterator[str]:
    """Run the audit service, trusting the witness, behind a real HTTP server; its base URL."""
    settings = audit_settings.model_copy(update={"witness_keys": witness.vkey})
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_config=None, lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    await eventually(lambda: _started(server), timeout=30.0, interval=0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def _started(server: uvicorn.Server) -> bool:
    return server.started


async def publish(settings: AuditSettings, count: int) -> None:
    """`count` referral events."""
    for _ in range(count):
        referral_id = fresh_id("referral")
        await publish_event(
            settings.kafka_bootstrap_servers,
            event_type="tsunagu.referral.created",
            subject=referral_id,
            data=referral_data(referral_id=referral_id),
        )


async def checkpoint_of(http: httpx.AsyncClient, size: int) -> str:
    """The latest checkpoint once its size is exactly `size`."""

    async def issued() -> str | None:
        response = await http.get("/v1/audit/checkpoint")
        ok = response.status_code == 200 and response.text.split("\n")[1] == str(size)
        return response.text if ok else None

    found: str = await eventually(issued, timeout=30.0, interval=0.2)
    return found


def cli(*args: str) -> Any:
    """Run the `tsunagu` command (in a worker thread: it talks to the served log)."""
    return CliRunner().invoke(command_line, list(args))


async def rewrite_record(settings: AuditSettings, seq: int) -> None:
    """What an attacker with the store does: alter a record and recompute every node after it,
    then remove the signed checkpoints that no longer match."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url)
    try:
        database = client[settings.database]
        records = database[COLLECTION]
        frontier = Frontier()
        async for document in records.find({}, sort=[("seq", 1)]):
            fields = {k: v for k, v in document.items() if k not in ("_id", "nodes")}
            record: AuditRecord = read_record(fields)
            if record.seq == seq:
                record = record.model_copy(update={"actor": "someone-else"})
            nodes = [h for _, h in frontier.append(leaf_hash(record.leaf()))]
            await records.replace_one(
                {"_id": document["_id"]}, {**record.model_dump(), "nodes": nodes}
            )
        await database["checkpoints"].delete_many({})
        await database["cosignatures"].delete_many({})
    finally:
        await client.close()


async def test_checkpoints_and_proofs_over_http_verify_with_the_domain_verifier(
    audit_settings: AuditSettings, served: str, witness: Witnessing
) -> None:
    async with auditor_http(served) as http:
        vkey = (await http.get("/v1/audit/verifier-key")).text.strip()
        log_key = read_verifier_key(vkey)
        await publish(audit_settings, 3)
        small = open_checkpoint(await checkpoint_of(http, 3), log_key).checkpoint
        await publish(audit_settings, 3)
        large = open_checkpoint(await checkpoint_of(http, 6), log_key).checkpoint
        assert small.origin == large.origin == "tsunagu.local/audit"

        for checkpoint in (small, large):
            for index in range(checkpoint.size):
                leaf = (await http.get(f"/v1/audit/leaves/{index}")).content
                answer = (
                    await http.get(
                        "/v1/audit/proofs/inclusion",
                        params={"index": index, "tree_size": checkpoint.size},
                    )
                ).json()
                assert set(answer) == {"index", "tree_size", "root_hash", "hashes"}
                assert base64.b64decode(answer["root_hash"]) == checkpoint.root_hash
                hashes = [base64.b64decode(h) for h in answer["hashes"]]
                root = checkpoint.root_hash
                verify_inclusion(index, checkpoint.size, leaf_hash(leaf), hashes, root)
        answer = (
            await http.get("/v1/audit/proofs/consistency", params={"first": 3, "second": 6})
        ).json()
        assert set(answer) == {"first", "second", "hashes"}
        hashes = [base64.b64decode(h) for h in answer["hashes"]]
        verify_consistency(3, 6, small.root_hash, large.root_hash, hashes)

        for path, params, status in [
            ("/v1/audit/proofs/inclusion", {"index": 6, "tree_size": 6}, 400),
            ("/v1/audit/proofs/inclusion", {"index": 0, "tree_size": 7}, 400),
            ("/v1/audit/proofs/inclusion", {"index": -1, "tree_size": 6}, 422),
            ("/v1/audit/proofs/consistency", {"first": 0, "second": 6}, 422),
            ("/v1/audit/proofs/consistency", {"first": 4, "second": 3}, 400),
            ("/v1/audit/leaves/6", {}, 404),
        ]:
            response = await http.get(path, params=params)
            assert response.status_code == status, (path, params, response.text)
            assert response.headers["content-type"] == "application/problem+json"

        verification = (await http.get("/v1/audit/verify")).json()
        assert verification["ok"] is True, verification
        assert verification["records"] == 6
        assert verification["checkpoints"] >= 2

        outcome = await asyncio.to_thread(witness.run_once, served, vkey)
        assert outcome.output.strip() == "cosigned size 6", outcome.output
        served_note = (await http.get("/v1/audit/checkpoint")).text
        opened = open_checkpoint(served_note, log_key, cosigners=[witness.verifier])
        assert opened.verified.signed_by(witness.verifier)
        again = await asyncio.to_thread(witness.run_once, served, vkey)
        assert again.output.strip() == "size 6 already cosigned"


async def test_a_verifier_written_from_the_specifications_alone_checks_the_served_log(
    audit_settings: AuditSettings, served: str
) -> None:
    """Key, signature, every inclusion proof and a consistency proof, all fetched over HTTP."""
    async with auditor_http(served) as http:
        key = spec.read_key((await http.get("/v1/audit/verifier-key")).text)
        await publish(audit_settings, 2)
        small = spec.read_checkpoint(spec.open_note(await checkpoint_of(http, 2), key))
        await publish(audit_settings, 3)
        large = spec.read_checkpoint(spec.open_note(await checkpoint_of(http, 5), key))
        assert small.origin == large.origin == audit_settings.origin
        for checkpoint in (small, large):
            for index in range(checkpoint.size):
                leaf = (await http.get(f"/v1/audit/leaves/{index}")).content
                params = {"index": index, "tree_size": checkpoint.size}
                answer = (await http.get("/v1/audit/proofs/inclusion", params=params)).json()
                path = [base64.b64decode(h) for h in answer["hashes"]]
                spec.verify_inclusion(
                    index, checkpoint.size, spec.leaf_hash(leaf), path, checkpoint.root
                )
        params = {"first": small.size, "second": large.size}
        answer = (await http.get("/v1/audit/proofs/consistency", params=params)).json()
        path = [base64.b64decode(h) for h in answer["hashes"]]
        spec.verify_consistency(small.size, large.size, small.root, large.root, path)
        with pytest.raises(spec.Rejected):  # the proof binds the roots it was asked for
            spec.verify_consistency(small.size, large.size, large.root, large.root, path)


async def test_a_rewritten_record_is_caught_by_the_offline_verifier_proofs_and_the_witness(
    audit_settings: AuditSettings, witness: Witnessing, tmp_path: Path
) -> None:
    old = tmp_path / "checkpoint-4.txt"
    export = tmp_path / "export.jsonl"
    async with (
        serving(audit_settings, witness) as served,
        auditor_http(served) as http,
    ):
        vkey = (await http.get("/v1/audit/verifier-key")).text.strip()
        await publish(audit_settings, 4)
        await checkpoint_of(http, 4)
        cosigned = await asyncio.to_thread(witness.run_once, served, vkey)
        assert cosigned.exit_code == 0, cosigned.output
        old.write_text((await http.get("/v1/audit/checkpoint")).text, encoding="utf-8")
        export.write_bytes((await http.get("/v1/audit/export")).content)
    signed = open_checkpoint(old.read_text(), read_verifier_key(vkey)).checkpoint
    offline = ["audit", "verify", str(export), "--checkpoint", str(old), "--key", vkey]
    honest = cli(*offline, "--witness", witness.vkey)
    assert honest.exit_code == 0, honest.output
    assert f"cosigned by {WITNESS}" in honest.output

    # with the service stopped, the store is rewritten and the checkpoints it kept removed;
    # started again, the service reads its tree from the store and signs what it finds
    await rewrite_record(audit_settings, seq=2)
    async with (
        serving(audit_settings, witness) as served,
        auditor_http(served) as http,
    ):
        await publish(audit_settings, 1)
        await checkpoint_of(http, 5)
        export.write_bytes((await http.get("/v1/audit/export")).content)
        caught = cli(*offline)
        assert caught.exit_code == 1
        assert "do not match the signed checkpoint of size 4" in caught.output

        leaf = (await http.get("/v1/audit/leaves/1")).content
        answer = (
            await http.get("/v1/audit/proofs/inclusion", params={"index": 1, "tree_size": 4})
        ).json()
        hashes = [base64.b64decode(h) for h in answer["hashes"]]
        with pytest.raises(InvalidProof):
            verify_inclusion(1, 4, leaf_hash(leaf), hashes, signed.root_hash)
        key = ["--key", vkey, "--log", served, "--credential", str(witness.credential)]
        inclusion = await asyncio.to_thread(
            cli, "audit", "prove", "inclusion", "1", *key, "--checkpoint", str(old)
        )
        assert inclusion.exit_code == 1
        assert "leaf 1 is not proved in the signed tree of size 4" in inclusion.output
        consistency = await asyncio.to_thread(cli, "audit", "prove", "consistency", str(old), *key)
        assert consistency.exit_code == 1
        assert "does not extend the signed tree of size 4" in consistency.output

        refused = await asyncio.to_thread(witness.run_once, served, vkey)
        assert refused.exit_code == 1
        assert refused.output.startswith("refused: the checkpoint does not extend what was")
