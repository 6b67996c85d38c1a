"""How a Kafka client proves who it is: SASL/SCRAM over plaintext or TLS, from settings."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Any, Final

from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from tsunagu.settings import ServiceSettings

MECHANISMS: Final = {
    "SCRAM-SHA-512": SASLScram512,
    "SCRAM-SHA-256": SASLScram256,
    "PLAIN": SASLPlaintext,
}
PROTOCOLS: Final = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")


class KafkaLoginError(ValueError):
    """Settings that cannot make a working Kafka login."""


@dataclass(frozen=True)
class KafkaLogin:
    """Where Kafka is and which credentials a client presents (none: an open broker)."""

    bootstrap_servers: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    mechanism: str = "SCRAM-SHA-512"
    security_protocol: str | None = None
    """Defaults to SASL_PLAINTEXT with a username, PLAINTEXT without."""
    ssl_cafile: str | None = None

    def __post_init__(self) -> None:
        if self.mechanism not in MECHANISMS:
            raise KafkaLoginError(f"SASL mechanism must be one of {', '.join(MECHANISMS)}")
        if self.protocol not in PROTOCOLS:
            raise KafkaLoginError(f"security protocol must be one of {', '.join(PROTOCOLS)}")
        if self.uses_sasl and not (self.username and self.password):
            raise KafkaLoginError(f"{self.protocol} needs a SASL username and password")

    @property
    def protocol(self) -> str:
        """The security protocol in effect."""
        if self.security_protocol:
            return self.security_protocol.upper()
        return "SASL_PLAINTEXT" if self.username else "PLAINTEXT"

    @property
    def uses_sasl(self) -> bool:
        """Whether the client authenticates with SASL."""
        return self.protocol.startswith("SASL_")

    @property
    def uses_tls(self) -> bool:
        """Whether the connection is encrypted."""
        return self.protocol in ("SSL", "SASL_SSL")

    def ssl_context(self) -> ssl.SSLContext | None:
        """A verifying TLS context (trusting `ssl_cafile` when given), or None without TLS."""
        if not self.uses_tls:
            return None
        return ssl.create_default_context(cafile=self.ssl_cafile)

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for an aiokafka producer, consumer or admin client."""
        options: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.protocol,
        }
        if self.uses_tls:
            options["ssl_context"] = self.ssl_context()
        if self.uses_sasl:
            options.update(
                sasl_mechanism=self.mechanism,
                sasl_plain_username=self.username,
                sasl_plain_password=self.password,
            )
        return options

    @property
    def servers(self) -> list[str]:
        """The bootstrap addresses one by one (`host:port,host:port` names a cluster's brokers)."""
        return [server.strip() for server in self.bootstrap_servers.split(",") if server.strip()]

    def broker_security(self) -> BaseSecurity | None:
        """The FastStream security object for this login (None: plaintext, no SASL)."""
        if self.uses_sasl:
            security = MECHANISMS[self.mechanism]
            username, password = self.username or "", self.password or ""
            return security(username, password, ssl_context=self.ssl_context())
        if self.uses_tls:
            return BaseSecurity(ssl_context=self.ssl_context())
        return None


def kafka_login(settings: ServiceSettings) -> KafkaLogin:
    """The Kafka login a service's settings describe."""
    password = settings.kafka_sasl_password
    return KafkaLogin(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        username=settings.kafka_sasl_username or None,
        password=password.get_secret_value() if password else None,
        mechanism=settings.kafka_sasl_mechanism,
        security_protocol=settings.kafka_security_protocol or None,
        ssl_cafile=settings.kafka_ssl_cafile or None,
    )


def login_env(login: KafkaLogin) -> dict[str, str]:
    """The `TSUNAGU_KAFKA_*` environment variables that give a service this login."""
    env = {
        "TSUNAGU_KAFKA_BOOTSTRAP_SERVERS": login.bootstrap_servers,
        "TSUNAGU_KAFKA_SECURITY_PROTOCOL": login.protocol,
        "TSUNAGU_KAFKA_SASL_MECHANISM": login.mechanism,
    }
    if login.username and login.password:
        env["TSUNAGU_KAFKA_SASL_USERNAME"] = login.username
        env["TSUNAGU_KAFKA_SASL_PASSWORD"] = login.password
    if login.ssl_cafile:
        env["TSUNAGU_KAFKA_SSL_CAFILE"] = login.ssl_cafile
    return env
