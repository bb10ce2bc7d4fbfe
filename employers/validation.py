"""Checking what employers type: vacancy fields and company applications.

A vacancy is checked by the exchange model (matching.models.Vacancy) and normalised by the engine's
normaliser, exactly like an imported file, so the form, the API and the import agree. Each problem is a
field name and a message code (with the values the message needs); the web layer writes the sentence,
in French first, through its catalogue. Errors stop the save; warnings (an unknown town or skill, a salary
below the SMIG) are shown and the save goes on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import ValidationError

from core.formats import money
from core.problems import Problem, RecordCheck, problems_from_errors
from employers.models import Employer, Vacancy
from employers.rules import minimum_wage_month
from matching.country import active_country, get_pack
from matching.exchange import normalise_records
from matching.models import Vacancy as ExchangeVacancy
from matching.models import normalise_phone
from matching.normalise import get_vocabularies
from matching.taxonomy import get_taxonomy

#: Exchange fields an employer fills in (the id and the company's name come from the application).
VACANCY_FIELDS: tuple[str, ...] = tuple(name for name in ExchangeVacancy.model_fields if name not in ("id", "employer"))
DATE_FIELDS = frozenset({"start_date"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

VacancyCheck = RecordCheck[ExchangeVacancy]


# ---------------------------------------------------------------- vacancies


def check_vacancy(data: Mapping[str, Any]) -> VacancyCheck:
    """Validate and normalise a vacancy's fields; list every error and warning."""
    payload = {k: v for k, v in data.items() if k in VACANCY_FIELDS}
    try:
        record = ExchangeVacancy.model_validate({**payload, "id": "V-CHECK", "employer": "-"})
    except ValidationError as exc:
        return VacancyCheck(
            None, problems_from_errors(exc.errors(include_url=False), skip=("id", "employer"), date_fields=DATE_FIELDS)
        )
    too_long = _too_long(Vacancy, {"title": record.title, "town": record.town})
    if too_long:
        return VacancyCheck(None, too_long)
    normalise_records([record], source="form", wheres=[""])
    return VacancyCheck(record, vacancy_warnings(record))


def vacancy_warnings(record: ExchangeVacancy) -> list[Problem]:
    """Return the warnings of a valid, normalised vacancy: unknown taxonomy values and a salary below the SMIG."""
    known = _known()
    found = [] if record.town in known["town"] else [_unknown("town", "unknown_town", record.town)]
    for name in ("required_certifications", "preferred_certifications"):
        found += [_unknown(name, "unknown_certification", v) for v in getattr(record, name) if v not in known["certification"]]
    for name in ("required_skills", "preferred_skills"):
        found += [_unknown(name, "unknown_skill", v) for v in getattr(record, name) if v not in known["skill"]]
    found += [
        _unknown(f"required_languages.{i}.language", "unknown_language", x.language)
        for i, x in enumerate(record.required_languages)
        if x.language not in known["language"]
    ]
    salary = record.monthly_salary
    if salary is not None and salary < minimum_wage_month():
        found.append(
            Problem(
                record.salary_field,
                "below_smig",
                {"smig": money(minimum_wage_month()), "currency": get_pack().currency_label},
                "warning",
            )
        )
    return found


def _unknown(field_name: str, code: str, value: str) -> Problem:
    return Problem(field_name, code, {"value": value}, "warning")


def _known() -> dict[str, frozenset[str]]:
    return _known_in(active_country())


@cache
def _known_in(country: str) -> dict[str, frozenset[str]]:
    taxonomy = get_taxonomy(country)
    return {
        "town": frozenset(t.name for t in taxonomy.towns),
        "certification": frozenset(c.code for c in taxonomy.certifications),
        "skill": frozenset(s.code for s in taxonomy.skills),
        "language": frozenset(x.code for x in taxonomy.languages),
    }


def _too_long(table: type[Employer] | type[Vacancy], values: Mapping[str, str]) -> list[Problem]:
    """Return a problem for each value longer than its database column."""
    columns = table.__table__.c  # type: ignore[union-attr]
    limits: dict[str, int] = {name: getattr(columns[name].type, "length", None) or 0 for name in values}
    return [
        Problem(name, "field_too_long", {"limit": str(limits[name])})
        for name, value in values.items()
        if 0 < limits[name] < len(value)
    ]


# ---------------------------------------------------------------- applications


def is_email(text: str) -> bool:
    """Return whether a text looks like an e-mail address (one @, a dot in the domain, no space)."""
    return bool(_EMAIL.match(text))


APPLICATION_FIELDS = ("name", "licence_number", "town", "contact_name", "phone", "email")


def check_application(fields: Mapping[str, str]) -> tuple[dict[str, str], list[Problem]]:
    """Return a company application's cleaned fields (town normalised, phone international) and its problems."""
    cleaned = {name: (fields.get(name) or "").strip() for name in APPLICATION_FIELDS}
    problems = [Problem(name, "field_required") for name, value in cleaned.items() if not value]
    cleaned["email"] = cleaned["email"].lower()
    if cleaned["email"] and not _EMAIL.match(cleaned["email"]):
        problems.append(Problem("email", "invalid_email"))
    if cleaned["phone"]:
        try:
            cleaned["phone"] = normalise_phone(cleaned["phone"])
        except ValueError:
            problems.append(Problem("phone", "invalid_phone", {"example": get_pack().phone.example}))
    if cleaned["town"]:
        cleaned["town"] = get_vocabularies().towns.match(cleaned["town"]).kept
    wrong = {p.field for p in problems}
    problems += [p for p in _too_long(Employer, cleaned) if p.field not in wrong]
    return cleaned, problems
