"""Write the JSON Schemas of event data and the AsyncAPI document (`-m tsunagu_schemas.generate`)"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from . import topics
from .catalog import KINDS, SCHEMA_VERSION, EventKind
from .envelope import CONTENT_TYPE

ROOT = Path(__file__).resolve().parent.parent
JSONSCHEMA_DIR = ROOT / "jsonschema" / SCHEMA_VERSION
ASYNCAPI_FILE = ROOT / "asyncapi.json"


def json_schema(kind: EventKind) -> dict[str, Any]:
    """The JSON Schema of one kind's event data, with its public id."""
    schema = kind.data_model.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": kind.dataschema,
        **schema,
    }


def asyncapi() -> dict[str, Any]:
    """An AsyncAPI 3.0 document describing the topics, messages and their headers."""
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for kind in KINDS:
        name = kind.name.replace("-event", "")
        channel_messages = {}
        for event_type in kind.types:
            key = event_type.replace(".", "_")
            messages[key] = {
                "name": event_type,
                "title": event_type,
                "contentType": CONTENT_TYPE,
                "headers": {"$ref": "#/components/schemas/CloudEventHeaders"},
                "payload": {"$ref": f"#/components/schemas/{kind.data_model.__name__}"},
                "bindings": {"kafka": {"key": {"type": "string", "description": "Aggregate id"}}},
            }
            channel_messages[key] = {"$ref": f"#/components/messages/{key}"}
        channels[name] = {"address": kind.topic, "messages": channel_messages}
        operations[f"publish_{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{name}"},
            "messages": [{"$ref": f"#/channels/{name}/messages/{m}"} for m in channel_messages],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Tsunagu events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0 in Kafka binary content mode. Each dead-letter "
            f"topic is the topic name plus `{topics.DEAD_LETTER_SUFFIX}`; agencies that "
            f"sync by Kafka read `{topics.AGENCY_TOPIC_PREFIX}<agency_id>`.",
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": _component_schemas()},
    }


def _component_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {"CloudEventHeaders": _headers_schema()}
    for kind in KINDS:
        schema = kind.data_model.model_json_schema(
            mode="serialization", ref_template="#/components/schemas/{model}"
        )
        schemas.update(schema.pop("$defs", {}))
        schemas[kind.data_model.__name__] = schema
    return schemas


def _headers_schema() -> dict[str, Any]:
    required = ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"]
    optional = ["ce_subject", "ce_dataschema", "traceparent"]
    return {
        "type": "object",
        "required": required,
        "properties": {h: {"type": "string"} for h in required + optional},
    }


def rendered() -> dict[Path, str]:
    """Every generated file and its exact text."""
    files = {JSONSCHEMA_DIR / f"{k.name}.json": _dump(json_schema(k)) for k in KINDS}
    files[ASYNCAPI_FILE] = _dump(asyncapi())
    return files


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main() -> int:
    """Write the generated files; with `--check`, only report whether they are stale."""
    stale = [p for p, text in rendered().items() if not p.exists() or p.read_text() != text]
    if "--check" in sys.argv:
        for path in stale:
            print(f"stale: {path}")
        return 1 if stale else 0
    for path, text in rendered().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
