"""Bounded field types: every text and list a client sends has a length limit and a format."""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import Field

AGENCY_ID_PATTERN: Final = r"^agc_[0-9a-f]{12}$"
REFERRAL_ID_PATTERN: Final = r"^ref_[0-9a-f]{12,40}$"
CODE_PATTERN: Final = r"^[a-z0-9_]{1,64}$"
"""A taxonomy code (category or area), as the directory's taxonomy spells them."""
LANGUAGE_PATTERN: Final = r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$"
"""A BCP 47 language tag."""
MAX_ITEMS: Final = 50
"""Most items a client may send in one list."""

AgencyId = Annotated[str, Field(pattern=AGENCY_ID_PATTERN, max_length=16)]
ReferralId = Annotated[str, Field(pattern=REFERRAL_ID_PATTERN, max_length=44)]
Identifier = Annotated[str, Field(min_length=1, max_length=64)]
"""Any id held in a domain object; request bodies use the exact formats above."""
Code = Annotated[str, Field(pattern=CODE_PATTERN, max_length=64)]
Language = Annotated[str, Field(pattern=LANGUAGE_PATTERN, max_length=35)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
ShortText = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=4000)]
Url = Annotated[str, Field(min_length=1, max_length=2000)]
EmailAddress = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)]
