"""The console's words, one catalogue per language (English and Japanese)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Final

import yaml

LANGUAGES: Final = ("ja", "en")
DEFAULT_LANGUAGE: Final = "ja"
COOKIE: Final = "tsunagu_console_lang"


@cache
def catalogue(language: str) -> dict[str, str]:
    """Every string of `language` by key (yes/no read as strings, not booleans)."""
    text = files(__package__).joinpath(f"{language}.yaml").read_text(encoding="utf-8")
    loaded = yaml.load(text, Loader=yaml.BaseLoader)
    return {str(key): str(value) for key, value in loaded.items()}


def chosen_language(cookie: str | None) -> str:
    """The language a cookie names, or the default one when it names none we have."""
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE
