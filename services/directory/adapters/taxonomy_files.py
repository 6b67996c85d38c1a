"""Reading the taxonomy from the JSON files the settings point to."""

from __future__ import annotations

import json
from pathlib import Path

from ..domain import Taxonomy


def load_taxonomy(*, categories_file: Path, areas_file: Path) -> Taxonomy:
    """Load and validate the categories and areas; fail loudly on a malformed file."""
    return Taxonomy.model_validate(
        {
            "categories": json.loads(categories_file.read_text(encoding="utf-8")),
            "areas": json.loads(areas_file.read_text(encoding="utf-8")),
        }
    )
