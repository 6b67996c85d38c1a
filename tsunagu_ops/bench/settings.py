"""Parameters of a benchmark run (`TSUNAGU_BENCH_*`, or the command's options)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class BenchSettings(BaseSettings):
    """How much load to drive, how fast, and where the local stack is."""

    model_config = SettingsConfigDict(env_prefix="TSUNAGU_BENCH_", extra="ignore")

    referrals: int = Field(default=60, ge=1, description="Journeys of five events each.")
    # The defaults finish in about ten minutes on the local store; `--rate 200` is the goal's load.
    rate: float = Field(default=25.0, gt=0, description="Target referral events per second.")
    concurrency: int = Field(default=64, ge=1, description="Journeys in flight at most.")
    warmup: int = Field(
        default=100, ge=0, description="Journeys driven first and not measured (0: none)."
    )
    backlog: int = Field(default=100_000, ge=0, description="Events for the catch-up (0: skip).")
    find_ceiling: bool = Field(
        default=False,
        description="Raise the offered rate from --rate by --step until p99 API → audit passes "
        "250 ms; print the last rate that held (no catch-up).",
    )
    step: float = Field(default=50.0, gt=0, description="Events/s added per ceiling step.")
    step_seconds: float = Field(default=20.0, gt=0, description="Seconds of load per step.")
    insert_batch: int = Field(default=500, ge=1, description="Records per insert_many.")
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    mongo_url: str = "mongodb://127.0.0.1:27017"
