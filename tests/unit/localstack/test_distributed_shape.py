"""The shape `tsunagu up --brokers N --replicas M` starts: nodes, topics' replication, ports."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from services.directory import ensure_signing_key
from tsunagu.messaging.login import KafkaLogin
from tsunagu_ops.kafka_access.admin import replication_for
from tsunagu_ops.localstack import LocalStackError, StackLayout
from tsunagu_ops.localstack.kafka_config import server_properties
from tsunagu_ops.localstack.pidfiles import PidRecord, write_record
from tsunagu_ops.localstack.shape import choose, recorded, remember
from tsunagu_ops.localstack.stack import all_parts, shutdown_order


def _properties(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines())


def _cluster(tmp_path: Path) -> StackLayout:
    return StackLayout(home=tmp_path, root=tmp_path / "stack", brokers=3, replicas=2)


def test_three_nodes_each_vote_and_replicate_every_topic_three_times_two_in_sync(
    tmp_path: Path,
) -> None:
    layout = _cluster(tmp_path)
    nodes = layout.kafka_nodes
    assert [(n.name, n.port, n.controller_port) for n in nodes] == [
        ("kafka-1", 9092, 9093),
        ("kafka-2", 9094, 9095),
        ("kafka-3", 9096, 9097),
    ]
    assert layout.kafka_bootstrap_servers == "127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096"
    second = _properties(server_properties(layout, nodes[1]))
    assert second["node.id"] == "2"
    assert second["controller.quorum.voters"] == (
        "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097"
    )
    assert second["listeners"] == "BROKER://127.0.0.1:9094,CONTROLLER://127.0.0.1:9095"
    assert second["log.dirs"] == str(layout.kafka_dir / "nodes" / "2" / "data")
    for key in ("default.replication.factor", "offsets.topic.replication.factor"):
        assert second[key] == "3"
    assert second["min.insync.replicas"] == "2"
    assert second["transaction.state.log.min.isr"] == "2"


def test_one_node_keeps_its_single_copies_and_its_folder(tmp_path: Path) -> None:
    layout = StackLayout(home=tmp_path, root=tmp_path)
    (node,) = layout.kafka_nodes
    assert (node.name, node.folder) == ("kafka", layout.kafka_dir)
    single = _properties(server_properties(layout))
    assert single["offsets.topic.replication.factor"] == "1"
    assert single["min.insync.replicas"] == "1"
    assert [replication_for(n) for n in (1, 2, 3, 5)] == [(1, 1), (2, 1), (3, 2), (3, 2)]


def test_replicas_listen_beside_a_front_on_the_service_port(tmp_path: Path) -> None:
    parts = {p.name: p for p in all_parts(_cluster(tmp_path), Console(quiet=True))}
    assert parts["referrals-front"].port == 8002
    assert (parts["referrals-1"].port, parts["referrals-2"].port) == (8102, 8202)
    assert "referrals" not in parts
    order = shutdown_order(_cluster(tmp_path))
    assert order.index("referrals-front") < order.index("referrals-1") < order.index("kafka-1")
    assert order[-1] == "store"


def test_up_keeps_the_recorded_shape_and_refuses_another_on_its_data(tmp_path: Path) -> None:
    layout = StackLayout(home=tmp_path, root=tmp_path / "stack")
    assert (choose(layout, None, None).brokers, choose(layout, None, None).replicas) == (1, 1)
    remember(_cluster(tmp_path))
    kept = choose(layout, None, None)
    assert (kept.brokers, kept.replicas) == (3, 2)
    assert choose(layout, None, 3).replicas == 3  # replicas change nothing stored
    (layout.kafka_dir / "nodes" / "1" / "data").mkdir(parents=True)
    with pytest.raises(LocalStackError, match="--fresh"):
        choose(layout, 1, None)
    write_record(layout.run, PidRecord("kafka-1", 1, "java", "127.0.0.1:9092", "log"))
    with pytest.raises(LocalStackError, match="tsunagu down"):
        choose(layout, None, 1)
    assert recorded(replace(layout, brokers=1)).brokers == 3


def test_a_login_names_each_bootstrap_server_of_a_cluster() -> None:
    login = KafkaLogin("127.0.0.1:9092, 127.0.0.1:9094,127.0.0.1:9096")
    assert login.servers == ["127.0.0.1:9092", "127.0.0.1:9094", "127.0.0.1:9096"]
    assert KafkaLogin("kafka:9092").servers == ["kafka:9092"]


def test_the_issuers_first_key_is_made_before_the_replicas_and_kept(tmp_path: Path) -> None:
    keys = tmp_path / "issuer-keys"
    ensure_signing_key(keys)
    made = sorted(path.read_bytes() for path in keys.iterdir())
    ensure_signing_key(keys)  # a second `up`, or a second replica's start, finds it
    assert sorted(path.read_bytes() for path in keys.iterdir()) == made
    assert len(made) == 1
