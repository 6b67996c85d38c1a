"""HTTP routes of the verifiable log: checkpoints, the verifier key, leaves and proofs."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from services.audit.domain.signed_note import verifier_key
from services.audit.ports import Ports
from services.audit.use_cases import (
    add_cosignatures,
    latest_checkpoint,
    leaf_record,
    prove_consistency,
    prove_inclusion,
)
from tsunagu.web import Problem, ports_of, problem_responses
from tsunagu.web.params import MAX_POSITION, PositionPath

PortsDep = Annotated[Ports, Depends(ports_of)]
TEXT = "text/plain; charset=utf-8"
# the auditor role's checks would go on this router
tree_router = APIRouter(prefix="/v1/audit", tags=["audit"])

MAX_NOTE = 16_384  # bytes: a checkpoint with its signatures is far smaller


class InclusionProofOut(BaseModel):
    """RFC 9162 section 2.1.3 audit path of leaf `index` in the tree of `tree_size` leaves."""

    index: int
    tree_size: int
    root_hash: str = Field(description="Root of that tree (base64), to match a checkpoint's.")
    hashes: list[str] = Field(description="The path from the leaf's sibling up (base64).")


class ConsistencyProofOut(BaseModel):
    """RFC 9162 section 2.1.4 proof that the tree of `second` leaves extends the first `first`."""

    first: int
    second: int
    hashes: list[str] = Field(description="The proof's hashes (base64); empty when equal.")


class CosignaturesOut(BaseModel):
    """The witnesses whose cosignatures were kept."""

    size: int
    witnesses: list[str]


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode("ascii") for h in hashes]


@tree_router.get(
    "/checkpoint",
    summary="The latest signed checkpoint",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}}, **problem_responses(404)},
)
async def checkpoint(ports: PortsDep) -> Response:
    """The latest C2SP checkpoint in a signed note, with the cosignatures witnesses added."""
    return Response(await latest_checkpoint(ports.checkpoints), media_type=TEXT)


@tree_router.get(
    "/verifier-key",
    summary="The log's note verifier key",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}}},
)
async def log_verifier_key(ports: PortsDep) -> Response:
    """The C2SP vkey that checks the checkpoints' signatures: `<name>+<key ID>+<key>`."""
    return Response(verifier_key(ports.log_key.verifier()) + "\n", media_type=TEXT)


@tree_router.get(
    "/leaves/{index}",
    summary="One leaf's bytes",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}, **problem_responses(404)},
)
async def leaf(index: PositionPath, ports: PortsDep) -> Response:
    """The leaf at `index` (record seq index + 1): the record's canonical JSON, as hashed."""
    record = await leaf_record(ports.audit_log, index)
    return Response(record.leaf(), media_type="application/json")


@tree_router.get(
    "/proofs/inclusion", summary="An inclusion proof", responses=problem_responses(400, 422)
)
async def inclusion(
    index: Annotated[int, Query(ge=0, le=MAX_POSITION)],
    tree_size: Annotated[int, Query(ge=1, le=MAX_POSITION)],
    ports: PortsDep,
) -> InclusionProofOut:
    """The audit path of leaf `index` in the tree of the first `tree_size` leaves."""
    proof = await prove_inclusion(ports.audit_log, index, tree_size)
    root = base64.b64encode(proof.root_hash).decode("ascii")
    return InclusionProofOut(
        index=index, tree_size=tree_size, root_hash=root, hashes=_b64(proof.hashes)
    )


@tree_router.get(
    "/proofs/consistency", summary="A consistency proof", responses=problem_responses(400, 422)
)
async def consistency(
    first: Annotated[int, Query(ge=1, le=MAX_POSITION)],
    second: Annotated[int, Query(ge=1, le=MAX_POSITION)],
    ports: PortsDep,
) -> ConsistencyProofOut:
    """The proof that the tree of `second` leaves extends the tree of its first `first` leaves."""
    proof = await prove_consistency(ports.audit_log, first, second)
    return ConsistencyProofOut(first=first, second=second, hashes=_b64(proof.hashes))


@tree_router.post(
    "/checkpoint/cosignatures",
    summary="Add a witness's cosignature",
    responses=problem_responses(403, 404, 422),
    openapi_extra={
        "requestBody": {
            "content": {"text/plain": {"schema": {"type": "string", "maxLength": MAX_NOTE}}},
            "required": True,
        }
    },
)
async def cosign(request: Request, ports: PortsDep) -> CosignaturesOut:
    """Keep the cosignatures of configured witnesses on a checkpoint this log issued.

    The body (`text/plain`) is the checkpoint as served, with the witness's cosignature line.
    """
    body = await request.body()
    if len(body) > MAX_NOTE:
        raise Problem(413, f"a cosigned checkpoint is at most {MAX_NOTE} bytes")
    size, names = await add_cosignatures(
        ports.checkpoints, body, log_key=ports.log_key, witnesses=ports.witnesses
    )
    return CosignaturesOut(size=size, witnesses=names)
