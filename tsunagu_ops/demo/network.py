"""The city network against loneliness and isolation, as directory entries.

The city, its addresses, people and numbers are invented.
"""

from __future__ import annotations

from typing import Any, Final

WEEKDAYS: Final = ["MO", "TU", "WE", "TH", "FR"]
EVERY_DAY: Final = [*WEEKDAYS, "SA", "SU"]


def _agency(
    name: str,
    kind: str,
    description: str,
    *services: dict[str, Any],
    places: tuple[dict[str, Any], ...] = (),
    people: tuple[dict[str, Any], ...] = (),
    kafka: bool = False,
) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "description": description,
        "services": list(services),
        "locations": list(places),
        "contacts": list(people),
        "delivery": {"kafka": kafka},
    }


def _service(
    name: str,
    categories: list[str],
    areas: list[str] | None = None,
    *,
    languages: list[str] | None = None,
    accepting: bool = True,
    eligibility: str | None = None,
    capacity: int | None = None,
    hours: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    service: dict[str, Any] = {
        "name": name,
        "categories": categories,
        "areas": areas or ["citywide"],
        "languages": languages or ["ja"],
        "accepting_referrals": accepting,
        "schedules": list(hours),
    }
    if eligibility:
        service["eligibility_description"] = eligibility
    if capacity is not None:
        service["capacity"] = capacity
    return service


def _hours(days: list[str], opens: str, closes: str, note: str | None = None) -> dict[str, Any]:
    return {"days": days, "opens_at": opens, "closes_at": closes, "description": note}


def _place(
    name: str, street: str, ward: str, postal_code: str, *, hidden: bool = False
) -> dict[str, Any]:
    address = {
        "address_1": street,
        "city": f"つなぐ市{ward}",
        "state_province": "みらい県",
        "postal_code": postal_code,
    }
    return {"name": name, "address": address, "hidden": hidden}


def _person(name: str, role: str, phone: str, email: str | None = None) -> dict[str, Any]:
    return {"name": name, "role": role, "phone": phone, "email": email}


HOTLINE: Final = "いのちの電話 Tsunagu Lifeline"
FOOD_BANK: Final = "フードバンク みなと"
WELFARE_OFFICE: Final = "市福祉事務所 City Welfare Office"
DV_SHELTER: Final = "DVシェルター ひだまり"
SHELTER_PLACE: Final = "ひだまり シェルター"

NETWORK: Final[tuple[dict[str, Any], ...]] = (
    _agency(
        HOTLINE,
        "npo",
        "24-hour suicide-prevention telephone and chat counselling.",
        _service(
            "Crisis line and chat",
            ["suicide_prevention", "mental_health"],
            languages=["ja", "en"],
            eligibility="Anyone in the city who is thinking of suicide, or worried about someone.",
            hours=(_hours(EVERY_DAY, "00:00", "24:00", "Telephone around the clock."),),
        ),
        places=(_place("Lifeline office", "中央1-2-3 つなぐビル4F", "中央区", "100-0001"),),
        people=(_person("高橋 美咲", "coordinator", "000-0000-1001", "misaki@lifeline.example"),),
    ),
    _agency(
        DV_SHELTER,
        "npo",
        "Emergency shelter for survivors of domestic violence.",
        _service(
            "Emergency shelter",
            ["domestic_violence", "housing"],
            eligibility="Women and their children escaping violence; referral by phone first.",
            capacity=3,
            hours=(_hours(EVERY_DAY, "00:00", "24:00", "Admissions at any hour."),),
        ),
        places=(
            _place(SHELTER_PLACE, "北5-6-7", "北区", "100-0101", hidden=True),
            _place("ひだまり 相談室", "中央2-1-1 市民会館2F", "中央区", "100-0002"),
        ),
        people=(_person("森 由紀", "shelter manager", "000-0000-1002"),),
    ),
    _agency(
        FOOD_BANK,
        "npo",
        "Food parcels and pantry for households in need.",
        _service(
            "Food parcels",
            ["food", "livelihood"],
            eligibility="Households without enough food; no documents needed.",
            hours=(_hours(["TU", "TH", "SA"], "10:00", "16:00"),),
        ),
        places=(_place("みなと倉庫", "港町3-3-1", "港区", "100-0701"),),
        people=(_person("佐藤 健", "pantry lead", "000-0000-1003", "ken@foodbank.example"),),
        kafka=True,
    ),
    _agency(
        "こども食堂ネットワーク",
        "npo",
        "Network of the city's children's cafeterias.",
        _service(
            "Children's cafeterias",
            ["children_places", "food", "isolation"],
            eligibility="Children and their parents; free for children.",
            hours=(_hours(["WE", "FR"], "17:00", "20:00", "Dinner, in each ward by turns."),),
        ),
        places=(_place("青葉コミュニティ食堂", "青葉台8-1", "青葉区", "100-0601"),),
        people=(_person("中村 さくら", "network secretary", "000-0000-1004"),),
    ),
    _agency(
        "ひきこもり地域支援センター",
        "municipal",
        "Support for people withdrawn at home and their families.",
        _service(
            "Home visits and family consultation",
            ["hikikomori", "family_support", "mental_health"],
            eligibility="People withdrawn at home for six months or more, and their families.",
            hours=(_hours(WEEKDAYS, "09:00", "17:00"),),
        ),
        places=(_place("Support centre", "東1-10-1 保健福祉センター3F", "東区", "100-0301"),),
        people=(_person("小林 誠", "social worker", "000-0000-1005", "kobayashi@city.example"),),
    ),
    _agency(
        "ホームレス支援NPO 灯り",
        "npo",
        "Outreach, night patrols and housing first.",
        _service(
            "Outreach and housing",
            ["housing", "livelihood"],
            eligibility="People sleeping rough or at risk of losing their home.",
            capacity=5,
            hours=(_hours(["MO", "WE", "FR"], "20:00", "02:00", "Night patrols."),),
        ),
        places=(_place("灯り 事務所", "南2-4-6", "南区", "100-0201"),),
        people=(_person("山本 大輔", "outreach lead", "000-0000-1006"),),
    ),
    _agency(
        "協力雇用主会",
        "other",
        "Employers who hire people re-entering work or society.",
        _service(
            "Job placement",
            ["employment", "reentry"],
            eligibility="People leaving prison or juvenile training school, and long-term jobless.",
            hours=(_hours(WEEKDAYS, "10:00", "18:00"),),
        ),
        people=(_person("伊藤 浩", "chair", "000-0000-1007", "ito@employers.example"),),
    ),
    _agency(
        "チャイルドライン",
        "npo",
        "Free line where children can talk about anything.",
        _service(
            "Child helpline",
            ["child_abuse", "children_places", "isolation"],
            languages=["ja", "en"],
            eligibility="Anyone under 18.",
            hours=(_hours(EVERY_DAY, "16:00", "21:00"),),
        ),
        people=(_person("渡辺 明子", "line coordinator", "000-0000-1008"),),
    ),
    _agency(
        "認知症見守りネットワーク",
        "social_welfare_corporation",
        "Neighbourhood watch and support for people living with dementia.",
        _service(
            "Watch and support",
            ["dementia", "elderly_care"],
            eligibility="People living with dementia and the families caring for them.",
            hours=(_hours(WEEKDAYS, "08:30", "17:30"),),
        ),
        places=(_place("西地域包括支援センター", "西3-2-1", "西区", "100-0501"),),
        people=(_person("加藤 洋子", "care manager", "000-0000-1009"),),
    ),
    _agency(
        WELFARE_OFFICE,
        "municipal",
        "Public assistance, livelihood consultation and coordination of the network.",
        _service(
            "Livelihood consultation",
            ["livelihood", "debt_legal", "disability"],
            languages=["ja", "en", "zh", "vi"],
            eligibility="Residents of the city; interpreters by appointment.",
            hours=(_hours(WEEKDAYS, "08:30", "17:15"),),
        ),
        places=(_place("City hall, welfare counter", "中央1-1-1 市役所1F", "中央区", "100-0000"),),
        people=(_person("吉田 正", "network coordinator", "000-0000-1010", "coord@city.example"),),
    ),
)
