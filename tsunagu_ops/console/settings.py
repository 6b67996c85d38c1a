"""What the console reads from its environment (``TSUNAGU_CONSOLE_*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PORT = 8000


class ConsoleSettings(BaseSettings):
    """Where the console listens, which services it reads and with which credentials."""

    model_config = SettingsConfigDict(env_prefix="TSUNAGU_CONSOLE_")

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    referrals_url: str = "http://127.0.0.1:8002"
    audit_url: str = "http://127.0.0.1:8004"
    operator_credential: Path = Path("operator.json")
    """The operator client's credential file (statistics, overdue legs, replay)."""
    auditor_credential: Path = Path("auditor.json")
    """The auditor client's credential file (audit records, verification, proofs)."""
    consumer_groups: str = ""
    """Comma-separated consumer groups to show; empty: every group but the replay groups."""
    refresh_seconds: int = 5
    """How often the pipeline page refreshes itself."""
    allowed_hosts: str = "127.0.0.1,localhost"
    """Comma-separated host names the console answers for (the `Host` of each request): any
    other name is refused, so a page that rebinds its own name to this address reads nothing."""

    def hosts(self) -> list[str]:
        """The host names in `allowed_hosts`, and the one the console listens on."""
        named = [name.strip() for name in self.allowed_hosts.split(",") if name.strip()]
        return list(dict.fromkeys([*named, self.host]))

    def groups(self) -> tuple[str, ...]:
        """The consumer groups named in `consumer_groups`."""
        return tuple(name.strip() for name in self.consumer_groups.split(",") if name.strip())
