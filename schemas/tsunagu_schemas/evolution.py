"""Whether a new JSON Schema of event data stays compatible with a released one.

Within a version only additive changes are allowed: new optional properties and new enum
values. Removing or retyping a property, or making one newly required, breaks readers or
writers built against the released contract.
"""

from __future__ import annotations

from typing import Any


def breaking_changes(released: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """List how `current` breaks `released` (empty when it only adds)."""
    return _compare(released, current, released.get("$defs", {}), current.get("$defs", {}), "")


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _resolve(defs[ref.removeprefix("#/$defs/")], defs)
    return schema


def _compare(
    old: dict[str, Any],
    new: dict[str, Any],
    old_defs: dict[str, Any],
    new_defs: dict[str, Any],
    path: str,
) -> list[str]:
    old, new = _resolve(old, old_defs), _resolve(new, new_defs)
    problems: list[str] = []
    if old.get("type") != new.get("type"):
        problems.append(f"{path or '/'}: type {old.get('type')} became {new.get('type')}")
    if "enum" in old:
        lost = set(old["enum"]) - set(new.get("enum", []))
        if lost:
            problems.append(f"{path}: enum values removed: {sorted(lost)}")
    for key in ("anyOf", "items"):
        if key in old and key not in new:
            problems.append(f"{path}: {key} removed")
    if "items" in old and "items" in new:
        problems += _compare(old["items"], new["items"], old_defs, new_defs, f"{path}[]")
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name, schema in old_props.items():
        if name not in new_props:
            problems.append(f"{path}/{name}: property removed")
        else:
            problems += _compare(schema, new_props[name], old_defs, new_defs, f"{path}/{name}")
    newly_required = set(new.get("required", [])) - set(old.get("required", []))
    if newly_required:
        problems.append(f"{path or '/'}: newly required: {sorted(newly_required)}")
    return problems
