"""Kafka cluster ids that the storage tool accepts."""

from __future__ import annotations

import base64

from tsunagu_ops.localstack.kafka import random_cluster_id


def test_cluster_ids_are_sixteen_bytes_and_never_look_like_an_option() -> None:
    ids = [random_cluster_id() for _ in range(2000)]
    assert not [i for i in ids if i.startswith("-")]
    assert all(len(base64.urlsafe_b64decode(i + "==")) == 16 for i in ids)
    assert len(set(ids)) == len(ids)
