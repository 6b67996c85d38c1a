"""The directory's taxonomies as HSDS taxonomies and taxonomy terms.

Categories and areas come from the city's taxonomy files; a third, fixed taxonomy names the
properties HSDS has no field for (whether a service accepts referrals, how many it can take).
A term's `name` is its Japanese label and its `description` its English one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..domain import Taxonomy, TaxonomyCode
from .ids import taxonomy_id, term_id

CATEGORIES: Final = "categories"
AREAS: Final = "areas"
PROPERTIES: Final = "service_properties"
ACCEPTING: Final = "accepting_referrals"
CAPACITY: Final = "capacity"

TAXONOMY_TEXT: Final = {
    CATEGORIES: (
        "Tsunagu categories of need",
        "The network's categories of need. Term names are Japanese, descriptions English.",
    ),
    AREAS: (
        "Tsunagu areas",
        "The city's wards, and `citywide` for a service that reaches every ward.",
    ),
    PROPERTIES: (
        "Tsunagu service properties",
        "Attributes of a service in the referral network: `accepting_referrals` (value "
        "`true` or `false`) and `capacity` (value: how many more people it can take now).",
    ),
}
PROPERTY_CODES: Final = (
    TaxonomyCode(code=ACCEPTING, label_ja="紹介受付", label_en="Accepting referrals"),
    TaxonomyCode(code=CAPACITY, label_ja="受入可能人数", label_en="Places available now"),
)


@dataclass(frozen=True)
class Vocabulary:
    """The HSDS taxonomies and terms of one city's directory."""

    taxonomy: Taxonomy

    def codes(self, name: str) -> tuple[TaxonomyCode, ...]:
        """The codes of one taxonomy, in their file's order."""
        if name == CATEGORIES:
            return self.taxonomy.categories
        if name == AREAS:
            return self.taxonomy.areas
        return PROPERTY_CODES

    def label(self, name: str, code: str) -> TaxonomyCode | None:
        """The labelled code, or None when the taxonomy does not have it."""
        return next((c for c in self.codes(name) if c.code == code), None)

    def taxonomies(self) -> list[dict[str, Any]]:
        """Every taxonomy as an HSDS object."""
        return [
            {"id": taxonomy_id(name), "name": title, "description": text}
            for name, (title, text) in TAXONOMY_TEXT.items()
        ]

    def terms(self) -> list[dict[str, Any]]:
        """Every term of every taxonomy as an HSDS object."""
        return [self.term(name, code.code) for name in TAXONOMY_TEXT for code in self.codes(name)]

    def term(self, name: str, code: str) -> dict[str, Any]:
        """One term as an HSDS object (a code the taxonomy lacks is labelled by itself)."""
        found = self.label(name, code)
        return {
            "id": term_id(name, code),
            "code": code,
            "name": found.label_ja if found else code,
            "description": found.label_en if found else code,
            "language": "ja",
            "taxonomy_id": taxonomy_id(name),
        }

    def taxonomy_names(self) -> dict[str, str]:
        """The directory's taxonomies by HSDS id."""
        return {taxonomy_id(name): name for name in TAXONOMY_TEXT}

    def known_terms(self) -> dict[str, tuple[str, str]]:
        """The directory's own term ids, each with its taxonomy and code."""
        return {
            term_id(name, code.code): (name, code.code)
            for name in TAXONOMY_TEXT
            for code in self.codes(name)
        }


@dataclass(frozen=True)
class TermIndex:
    """What each taxonomy term id stands for: one of the directory's taxonomies and a code."""

    terms: dict[str, tuple[str | None, str]]
    taxonomies: dict[str, str]

    @classmethod
    def of(cls, vocabulary: Vocabulary, document_terms: Iterable[Mapping[str, Any]]) -> TermIndex:
        """The directory's own terms plus those a document lists."""
        terms: dict[str, tuple[str | None, str]] = dict(vocabulary.known_terms())
        index = cls(terms, vocabulary.taxonomy_names())
        for term in document_terms:
            terms[str(term["id"])] = index.meaning(term)
        return index

    def meaning(self, term: Mapping[str, Any]) -> tuple[str | None, str]:
        """The taxonomy (None if not one of ours) and the code of an HSDS term."""
        taxonomy = self.taxonomies.get(str(term.get("taxonomy_id")))
        return taxonomy, str(term.get("code") or term.get("name"))

    def lookup(self, attribute: Mapping[str, Any]) -> tuple[str | None, str] | None:
        """The taxonomy and code an attribute links to; None when the term is unknown."""
        found = self.terms.get(str(attribute.get("taxonomy_term_id")))
        embedded = attribute.get("taxonomy_term")
        if found is None and isinstance(embedded, Mapping):
            return self.meaning(embedded)
        return found
