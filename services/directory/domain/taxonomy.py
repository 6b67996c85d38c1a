"""The city's categories of need and its areas: data, replaceable for another city."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from tsunagu_schemas import ServiceEntry

from .errors import UnknownCode


class TaxonomyCode(BaseModel):
    """One code with its Japanese and English labels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    label_ja: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    covers_all: bool = Field(
        default=False, description="For an area: a service here serves every area."
    )


class Taxonomy(BaseModel):
    """The categories and areas that services may name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    categories: tuple[TaxonomyCode, ...]
    areas: tuple[TaxonomyCode, ...]

    def has_category(self, code: str) -> bool:
        """Whether `code` is a known category."""
        return any(c.code == code for c in self.categories)

    def has_area(self, code: str) -> bool:
        """Whether `code` is a known area."""
        return any(a.code == code for a in self.areas)

    def areas_serving(self, area: str) -> tuple[str, ...]:
        """The area codes whose services reach `area`: itself and the city-wide ones."""
        wide = tuple(a.code for a in self.areas if a.covers_all and a.code != area)
        return (area, *wide)

    def unknown_in(self, services: Sequence[ServiceEntry], *, prefix: str) -> list[UnknownCode]:
        """Every category or area code of `services` that is not in the taxonomy."""
        unknown: list[UnknownCode] = []
        for i, service in enumerate(services):
            for j, code in enumerate(service.categories):
                if not self.has_category(code):
                    unknown.append(UnknownCode(f"{prefix}.{i}.categories.{j}", code, "category"))
            for j, code in enumerate(service.areas):
                if not self.has_area(code):
                    unknown.append(UnknownCode(f"{prefix}.{i}.areas.{j}", code, "area"))
        return unknown
