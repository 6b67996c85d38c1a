"""The default taxonomy: the city's network of categories and its seven wards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.directory.adapters.taxonomy_files import load_taxonomy
from services.directory.settings import DirectorySettings


def test_the_default_taxonomy_has_the_networks_categories_and_seven_wards_plus_citywide() -> None:
    settings = DirectorySettings()
    taxonomy = load_taxonomy(
        categories_file=settings.categories_file, areas_file=settings.areas_file
    )
    codes = {c.code for c in taxonomy.categories}
    assert {"suicide_prevention", "domestic_violence", "food", "hikikomori", "debt_legal"} <= codes
    assert len(codes) == len(taxonomy.categories) == 17
    wards = [a for a in taxonomy.areas if not a.covers_all]
    assert len(wards) == 7
    assert [a.code for a in taxonomy.areas if a.covers_all] == ["citywide"]
    assert all(c.label_ja and c.label_en for c in (*taxonomy.categories, *taxonomy.areas))


def test_another_citys_taxonomy_can_replace_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    categories = tmp_path / "categories.json"
    areas = tmp_path / "areas.json"
    categories.write_text(json.dumps([{"code": "food", "label_ja": "食", "label_en": "Food"}]))
    areas.write_text(json.dumps([{"code": "port", "label_ja": "港", "label_en": "Port"}]))
    monkeypatch.setenv("TSUNAGU_DIRECTORY_CATEGORIES_FILE", str(categories))
    monkeypatch.setenv("TSUNAGU_DIRECTORY_AREAS_FILE", str(areas))
    settings = DirectorySettings()
    taxonomy = load_taxonomy(
        categories_file=settings.categories_file, areas_file=settings.areas_file
    )
    assert [a.code for a in taxonomy.areas] == ["port"]


def test_a_malformed_taxonomy_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"code": "Not A Code", "label_ja": "x", "label_en": "x"}]))
    with pytest.raises(ValidationError):
        load_taxonomy(categories_file=bad, areas_file=bad)
