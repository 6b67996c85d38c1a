"""The committed contract files are current, and the contracts only grow within a version."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tsunagu_schemas import KINDS, EventKind, generate
from tsunagu_schemas.evolution import breaking_changes

RELEASED = Path(generate.ROOT) / "released" / "v1"


def test_the_committed_json_schemas_and_asyncapi_match_the_models() -> None:
    stale = [
        str(path)
        for path, text in generate.rendered().items()
        if not path.exists() or path.read_text() != text
    ]
    assert stale == [], "run `python -m tsunagu_schemas.generate` and commit the result"


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_each_contract_is_compatible_with_its_released_version(kind: EventKind) -> None:
    released = json.loads((RELEASED / f"{kind.name}.json").read_text())
    current = generate.json_schema(kind)
    assert breaking_changes(released, current) == []


def _released_referral_schema() -> dict[str, object]:
    return json.loads((RELEASED / "referral-event.json").read_text())


def test_removing_a_property_is_reported_as_breaking() -> None:
    released = _released_referral_schema()
    current = copy.deepcopy(released)
    del current["properties"]["urgency"]  # type: ignore[index]
    assert breaking_changes(released, current) == ["/urgency: property removed"]


def test_a_new_required_property_is_reported_as_breaking() -> None:
    released = _released_referral_schema()
    current = copy.deepcopy(released)
    current["properties"]["site"] = {"type": "string"}  # type: ignore[index]
    current["required"] = [*current["required"], "site"]  # type: ignore[misc]
    assert breaking_changes(released, current) == ["/: newly required: ['site']"]


def test_a_new_optional_property_and_a_new_enum_value_are_compatible() -> None:
    released = _released_referral_schema()
    current = copy.deepcopy(released)
    current["properties"]["site"] = {"type": "string"}  # type: ignore[index]
    current["$defs"]["Urgency"]["enum"].append("scheduled")  # type: ignore[index]
    assert breaking_changes(released, current) == []


def test_dropping_an_enum_value_is_reported_as_breaking() -> None:
    released = _released_referral_schema()
    current = copy.deepcopy(released)
    current["$defs"]["Urgency"]["enum"].remove("routine")  # type: ignore[index]
    assert breaking_changes(released, current) == ["/urgency: enum values removed: ['routine']"]
