"""Typed records of the exchange format, version 1 (shared/exchange/FORMAT.md).

Field names and meanings are a contract with other tools: add optional fields, never rename one.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from matching.country import get_pack

Level = Literal["guard", "supervisor", "manager"]
Shift = Literal["day", "night", "rotating"]
Mobility = Literal["town", "region", "country"]
LanguageLevel = Literal["basic", "conversational", "fluent", "native"]
Literacy = Literal["none", "basic", "functional", "fluent"]
Education = Literal["none", "primary", "lower_secondary", "upper_secondary", "higher"]
Sector = Literal["security", "other"]
Gender = Literal["F", "M"]
LicenceCategory = Literal["A", "B", "C", "D", "E"]
#: Why a trainee left the programme (shared/evaluation/INDICATORS.md).
DropoutReason = Literal["health", "family", "remigrated", "other_job", "disciplinary", "unreachable", "other"]

LEVELS: tuple[Level, ...] = ("guard", "supervisor", "manager")
SHIFTS: tuple[Shift, ...] = ("day", "night", "rotating")
MOBILITIES: tuple[Mobility, ...] = ("town", "region", "country")
LICENCE_CATEGORIES: tuple[LicenceCategory, ...] = ("A", "B", "C", "D", "E")
#: Ordered scales: the position of a value is its rank (0 = lowest). A missing language ranks below 0.
LANGUAGE_LEVELS: tuple[LanguageLevel, ...] = ("basic", "conversational", "fluent", "native")
LITERACY_LEVELS: tuple[Literacy, ...] = ("none", "basic", "functional", "fluent")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _iso_date(value: Any) -> Any:
    if isinstance(value, date) or value is None:
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise ValueError(f"must be a date written YYYY-MM-DD (got {value!r})")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"is not a real date (got {value!r})") from None


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
# Strings are trimmed by the models' `str_strip_whitespace` (in pydantic's core, not in Python).
Text = str
RequiredText = Annotated[str, Field(min_length=1)]
# Bounds that keep values storable and arithmetic finite; far beyond any real record.
Code = Annotated[str, Field(min_length=1, max_length=64)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Place = Annotated[str, Field(min_length=1, max_length=120)]
MAX_YEARS = 60
MAX_SEATS = 10_000
MAX_SALARY = 100_000_000
#: ISO 4217 code of the West African CFA franc (FCFA), the currency of `salary_fcfa_month`.
FCFA = "XOF"


def _lowered(kind: Any) -> Any:
    return Annotated[kind, BeforeValidator(_lower)]


class Record(BaseModel):
    """Common configuration of exchange records: unknown fields are ignored, strings trimmed."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=False, allow_inf_nan=False)


class LanguageSkill(Record):
    """A language and the level at which it is spoken (or required)."""

    language: RequiredText
    level: _lowered(LanguageLevel)  # type: ignore[valid-type]


class Experience(Record):
    """One stretch of work experience."""

    title: Text = ""
    years: float = Field(ge=0, le=MAX_YEARS)
    sector: _lowered(Sector)  # type: ignore[valid-type]
    country: Annotated[str | None, BeforeValidator(_upper)] = None

    @field_validator("country")
    @classmethod
    def _alpha2(cls, value: str | None) -> str | None:
        if value and not _COUNTRY.match(value):
            raise ValueError(f"must be an ISO 3166 alpha-2 country code such as ML or FR (got {value!r})")
        return value or None


class Training(Record):
    """Results of the programme's training, graded out of 20."""

    cohort: Annotated[str | None, Field(max_length=64)] = None
    overall: float | None = Field(default=None, ge=0, le=20)
    modules: dict[str, Annotated[float, Field(ge=0, le=20)]] = Field(default_factory=dict)
    completed: bool | None = None  # finished the training; null: not known yet (INDICATORS.md)


class Trainee(Record):
    """A trainee profile, as the training school sends it."""

    id: Code
    full_name: Name
    gender: Annotated[Gender | None, BeforeValidator(_upper)] = None
    birth_date: IsoDate | None = None
    phone: Text | None = None
    home_town: Place
    mobility: _lowered(Mobility) = "town"  # type: ignore[valid-type]
    extra_towns: list[RequiredText] = Field(default_factory=list)
    languages: list[LanguageSkill] = Field(default_factory=list)
    literacy: _lowered(Literacy) = "basic"  # type: ignore[valid-type]
    education: _lowered(Education | None) = None  # type: ignore[valid-type]
    experience: list[Experience] = Field(default_factory=list)
    skills: list[RequiredText] = Field(default_factory=list)
    certifications: list[RequiredText] = Field(default_factory=list)
    driving_licences: list[Annotated[LicenceCategory, BeforeValidator(_upper)]] = Field(default_factory=list)
    training: Training | None = None
    available_from: IsoDate | None = None
    preferred_levels: list[_lowered(Level)] = Field(default_factory=list)  # type: ignore[valid-type]
    preferred_shifts: list[_lowered(Shift)] = Field(default_factory=list)  # type: ignore[valid-type]
    summary: Text | None = None
    # The programme's history (INDICATORS.md): when and why the trainee left the programme.
    dropped_out_on: IsoDate | None = None
    dropout_reason: _lowered(DropoutReason | None) = None  # type: ignore[valid-type]

    @field_validator("dropout_reason")
    @classmethod
    def _dropout_dated(cls, value: str | None, info: ValidationInfo) -> str | None:
        # A malformed dropped_out_on is absent from info.data and already reported: say nothing more then.
        if value is not None and "dropped_out_on" in info.data and info.data["dropped_out_on"] is None:
            raise ValueError("needs dropped_out_on: the date the trainee left the programme")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return normalise_phone(value) if value else None

    @property
    def security_years(self) -> float:
        """Return the summed years of security-sector experience (to 1e-6: 0.6 + 0.7 + 0.7 is 2, not 1.999…)."""
        return round(math.fsum(e.years for e in self.experience if e.sector == "security"), 6)


class Vacancy(Record):
    """A vacancy posted by an employer."""

    id: Code
    employer: Name
    title: Name
    level: _lowered(Level)  # type: ignore[valid-type]
    town: Place
    seats: int = Field(default=1, ge=1, le=MAX_SEATS)
    required_certifications: list[RequiredText] = Field(default_factory=list)
    preferred_certifications: list[RequiredText] = Field(default_factory=list)
    required_skills: list[RequiredText] = Field(default_factory=list)
    preferred_skills: list[RequiredText] = Field(default_factory=list)
    required_languages: list[LanguageSkill] = Field(default_factory=list)
    min_literacy: _lowered(Literacy | None) = None  # type: ignore[valid-type]
    min_experience_years: float = Field(default=0, ge=0, le=MAX_YEARS)
    driving_licence: Annotated[LicenceCategory | None, BeforeValidator(_upper)] = None
    shift: _lowered(Shift | None) = None  # type: ignore[valid-type]
    start_date: IsoDate | None = None
    salary_fcfa_month: int | None = Field(default=None, ge=0, le=MAX_SALARY)
    description: Text | None = None
    #: The monthly salary in `currency`, the active country pack's (XOF for Mali and Senegal: then it is also
    #: `salary_fcfa_month`, which stays valid on its own).
    salary_month: int | None = Field(default=None, ge=0, le=MAX_SALARY)
    currency: Annotated[str | None, BeforeValidator(_upper)] = None

    @field_validator("currency")
    @classmethod
    def _pack_currency(cls, value: str | None) -> str | None:
        pack = get_pack()
        if value and value not in (pack.currency, pack.currency_label.upper()):
            raise ValueError(f"must be {pack.currency}, the currency of {pack.name_en} (got {value!r})")
        return pack.currency if value else None

    @field_validator("salary_month")
    @classmethod
    def _same_salary(cls, value: int | None, info: ValidationInfo) -> int | None:
        fcfa = info.data.get("salary_fcfa_month")
        if value is not None and fcfa is not None and get_pack().currency == FCFA and value != fcfa:
            raise ValueError(f"says {value} but salary_fcfa_month says {fcfa}: give one amount, or the same in both")
        return value

    @model_validator(mode="after")
    def _salary_in_fcfa(self) -> Vacancy:
        if self.salary_fcfa_month is None and self.salary_month is not None and get_pack().currency == FCFA:
            self.salary_fcfa_month = self.salary_month
        return self

    @property
    def monthly_salary(self) -> int | None:
        """Return the monthly salary in the country pack's currency, when the vacancy gives one."""
        if self.salary_month is not None:
            return self.salary_month
        return self.salary_fcfa_month if get_pack().currency == FCFA else None

    @property
    def salary_field(self) -> str:
        """Return the name of the field the vacancy's salary was given in."""
        return "salary_month" if self.salary_month is not None else "salary_fcfa_month"


_PHONE_JUNK = re.compile(r"[\s.\-()/]")


def normalise_phone(raw: str) -> str:
    """Return a phone number in international form (+223XXXXXXXX in Mali, +221XXXXXXXXX in Senegal: the active
    country pack's numbering), or raise ValueError."""
    numbering = get_pack().phone
    digits = _PHONE_JUNK.sub("", raw)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    national = numbering.international(digits)
    if national is not None:
        return national
    if re.fullmatch(r"0[1-9]\d{8}", digits):
        return "+33" + digits[1:]
    own = "+" + numbering.calling_code
    if not digits.startswith(own) and re.fullmatch(r"\+[1-9]\d{7,14}", digits):
        return digits
    raise ValueError(f"is not a phone number we can read: write it as {numbering.example} (got {raw!r})")
