"""How many Kafka nodes and service replicas a data folder runs, kept beside its data."""

from __future__ import annotations

import json
from dataclasses import replace

from tsunagu_ops.localstack.errors import LocalStackError
from tsunagu_ops.localstack.layout import StackLayout
from tsunagu_ops.localstack.pidfiles import recorded_names


def recorded(layout: StackLayout) -> StackLayout:
    """`layout` with the brokers and replicas `tsunagu up` last ran it with (if it ran)."""
    if not layout.shape_file.is_file():
        return layout
    shape = json.loads(layout.shape_file.read_text())
    return replace(layout, brokers=int(shape["brokers"]), replicas=int(shape["replicas"]))


def has_data(layout: StackLayout) -> bool:
    """Whether Kafka or the store has kept anything in this data folder."""
    folders = (layout.store_data, layout.kafka_data, layout.kafka_dir / "nodes")
    return any(folder.is_dir() and any(folder.iterdir()) for folder in folders)


def choose(layout: StackLayout, brokers: int | None, replicas: int | None) -> StackLayout:
    """The layout to start: the shape asked for, else the one recorded, else one of each.

    Another shape than the recorded one is refused while anything runs (stop it first) or
    while the data folder holds data of that shape (its Kafka data would not match the store's).
    """
    before = recorded(layout)
    wanted = replace(
        before,
        brokers=brokers if brokers is not None else before.brokers,
        replicas=replicas if replicas is not None else before.replicas,
    )
    if (wanted.brokers, wanted.replicas) == (before.brokers, before.replicas):
        return wanted
    described = f"{before.brokers} Kafka node(s) and {before.replicas} replica(s) per service"
    if recorded_names(layout.run):
        raise LocalStackError(f"the stack runs with {described}; stop it with `tsunagu down`")
    if wanted.brokers != before.brokers and has_data(layout):
        raise LocalStackError(
            f"the data in {layout.root} was made with {described}; start the new shape on "
            "fresh data with `--fresh` (this wipes the local stack's data)"
        )
    return wanted


def remember(layout: StackLayout) -> None:
    """Record the layout's shape for the next `up`, `down` and `status`."""
    layout.root.mkdir(parents=True, exist_ok=True)
    shape = {"brokers": layout.brokers, "replicas": layout.replicas}
    layout.shape_file.write_text(json.dumps(shape) + "\n")
