"""Settings shared by every service; each service extends them with its own prefix."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from tsunagu.auth.settings import AuthSettings


class ServiceSettings(AuthSettings):
    """Endpoints common to all services (`TSUNAGU_*`, the token issuer `TSUNAGU_AUTH_*`) plus
    per-service HTTP and database."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", validation_alias="TSUNAGU_KAFKA_BOOTSTRAP_SERVERS"
    )
    kafka_security_protocol: str | None = Field(
        default=None, validation_alias="TSUNAGU_KAFKA_SECURITY_PROTOCOL"
    )
    kafka_sasl_mechanism: str = Field(
        default="SCRAM-SHA-512", validation_alias="TSUNAGU_KAFKA_SASL_MECHANISM"
    )
    kafka_sasl_username: str | None = Field(
        default=None, validation_alias="TSUNAGU_KAFKA_SASL_USERNAME"
    )
    kafka_sasl_password: SecretStr | None = Field(
        default=None, validation_alias="TSUNAGU_KAFKA_SASL_PASSWORD"
    )
    kafka_ssl_cafile: str | None = Field(default=None, validation_alias="TSUNAGU_KAFKA_SSL_CAFILE")
    mongo_url: str = Field(
        default="mongodb://127.0.0.1:27017", validation_alias="TSUNAGU_MONGO_URL"
    )
    log_level: str = Field(default="INFO", validation_alias="TSUNAGU_LOG_LEVEL")
    environment: str = Field(default="development", validation_alias="TSUNAGU_ENVIRONMENT")
    api_docs: bool | None = Field(default=None, validation_alias="TSUNAGU_API_DOCS")
    """Serve `/docs` and `/openapi.json` (default: in development only; the published
    documents in `docs/` are the contract everywhere)."""
    host: str = "127.0.0.1"
    port: int = 8000
    database: str = "tsunagu"
    consumer_group: str = "tsunagu"
    relay_poll_seconds: float = Field(default=1.0, gt=0)
    consumer_max_attempts: int = Field(default=5, ge=1)
    consumer_backoff_seconds: float = Field(default=0.2, gt=0)
    metrics_refresh_seconds: float = Field(default=10.0, gt=0)

    def serves_api_docs(self) -> bool:
        """Whether the service serves its interactive documentation and OpenAPI document."""
        return self.api_docs if self.api_docs is not None else self.environment == "development"
