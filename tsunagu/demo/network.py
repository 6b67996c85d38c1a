"""The city network against loneliness and isolation, as directory entries."""

from __future__ import annotations

from typing import Any, Final


def _agency(
    name: str, kind: str, description: str, *services: dict[str, Any], kafka: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "description": description,
        "services": list(services),
        "delivery": {"kafka": kafka},
    }


def _service(
    name: str,
    categories: list[str],
    areas: list[str] | None = None,
    *,
    languages: list[str] | None = None,
    accepting: bool = True,
) -> dict[str, Any]:
    return {
        "name": name,
        "categories": categories,
        "areas": areas or ["citywide"],
        "languages": languages or ["ja"],
        "accepting_referrals": accepting,
    }


HOTLINE: Final = "いのちの電話 Tsunagu Lifeline"
FOOD_BANK: Final = "フードバンク みなと"
WELFARE_OFFICE: Final = "市福祉事務所 City Welfare Office"

NETWORK: Final[tuple[dict[str, Any], ...]] = (
    _agency(
        HOTLINE,
        "npo",
        "24-hour suicide-prevention telephone and chat counselling.",
        _service(
            "Crisis line and chat", ["suicide_prevention", "mental_health"], languages=["ja", "en"]
        ),
    ),
    _agency(
        "DVシェルター ひだまり",
        "npo",
        "Emergency shelter for survivors of domestic violence.",
        _service("Emergency shelter", ["domestic_violence", "housing"]),
    ),
    _agency(
        FOOD_BANK,
        "npo",
        "Food parcels and pantry for households in need.",
        _service("Food parcels", ["food", "livelihood"]),
        kafka=True,
    ),
    _agency(
        "こども食堂ネットワーク",
        "npo",
        "Network of the city's children's cafeterias.",
        _service("Children's cafeterias", ["children_places", "food", "isolation"]),
    ),
    _agency(
        "ひきこもり地域支援センター",
        "municipal",
        "Support for people withdrawn at home and their families.",
        _service(
            "Home visits and family consultation", ["hikikomori", "family_support", "mental_health"]
        ),
    ),
    _agency(
        "ホームレス支援NPO 灯り",
        "npo",
        "Outreach, night patrols and housing first.",
        _service("Outreach and housing", ["housing", "livelihood"]),
    ),
    _agency(
        "協力雇用主会",
        "other",
        "Employers who hire people re-entering work or society.",
        _service("Job placement", ["employment", "reentry"]),
    ),
    _agency(
        "チャイルドライン",
        "npo",
        "Free line where children can talk about anything.",
        _service("Child helpline", ["child_abuse", "children_places", "isolation"]),
    ),
    _agency(
        "認知症見守りネットワーク",
        "social_welfare_corporation",
        "Neighbourhood watch and support for people living with dementia.",
        _service("Watch and support", ["dementia", "elderly_care"]),
    ),
    _agency(
        WELFARE_OFFICE,
        "municipal",
        "Public assistance, livelihood consultation and coordination of the network.",
        _service("Livelihood consultation", ["livelihood", "debt_legal", "disability"]),
    ),
)
