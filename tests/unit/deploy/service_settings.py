"""The services' settings classes, and the environment variables each reads."""

from __future__ import annotations

import importlib

from pydantic_settings import BaseSettings


def settings_class(name: str) -> type[BaseSettings]:
    """The settings class of the service `name` (e.g. `ReferralsSettings`)."""
    module = importlib.import_module(f"services.{name}.settings")
    return getattr(module, f"{name.capitalize()}Settings")  # type: ignore[no-any-return]


def env_names(cls: type[BaseSettings]) -> set[str]:
    """Every environment variable a settings class reads."""
    prefix = str(cls.model_config.get("env_prefix", ""))
    names = set()
    for field_name, field in cls.model_fields.items():
        alias = field.validation_alias
        names.add(alias.upper() if isinstance(alias, str) else f"{prefix}{field_name}".upper())
    return names
