"""Forms as typed: the vacancy form's fields ↔ a vacancy's exchange fields, and a hiring's terms."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic import Field as Checked
from starlette.datastructures import FormData

from core.problems import form_text, problems_from_errors
from employers import exceptions as employer_errors
from employers.models import Vacancy
from employers.service import exchange_fields
from employers.validation import DATE_FIELDS
from matching.models import MAX_SALARY, IsoDate
from matching.taxonomy import get_taxonomy

TEXT_FIELDS = ("title", "level", "town", "seats", "min_literacy", "min_experience_years", "driving_licence", "shift",
               "start_date", "salary_fcfa_month", "description")  # fmt: skip
LIST_FIELDS = ("required_certifications", "preferred_certifications", "required_skills", "preferred_skills")
LANGUAGE_ROWS = 3
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass
class VacancyForm:
    """The vacancy form as typed: text fields, ticked taxonomy codes, "other" free text, language rows."""

    text: dict[str, str] = field(default_factory=lambda: {"level": "guard", "seats": "1", "min_experience_years": "0"})
    ticked: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in LIST_FIELDS})
    other: dict[str, str] = field(default_factory=lambda: dict.fromkeys(LIST_FIELDS, ""))
    languages: list[tuple[str, str]] = field(default_factory=lambda: [("", "")] * LANGUAGE_ROWS)

    @classmethod
    def from_form(cls, form: FormData) -> VacancyForm:
        """Read the submitted form, keeping every value as typed (to show it again next to its error)."""
        rows = [(str(form.get(f"language_{i}") or ""), str(form.get(f"language_level_{i}") or "")) for i in range(LANGUAGE_ROWS)]
        return cls(
            text={name: str(form.get(name) or "") for name in TEXT_FIELDS},
            ticked={name: [str(v) for v in form.getlist(name)] for name in LIST_FIELDS},
            other={name: str(form.get(f"{name}_other") or "") for name in LIST_FIELDS},
            languages=rows,
        )

    @classmethod
    def from_vacancy(cls, vacancy: Vacancy) -> VacancyForm:
        """Fill the form with a saved vacancy: taxonomy values ticked, the others in the "other" fields."""
        stored = exchange_fields(vacancy)
        known = {name: _known_codes(name) for name in LIST_FIELDS}
        languages = [(x["language"], x["level"]) for x in stored["required_languages"]]
        return cls(
            text={name: form_text(stored[name]) for name in TEXT_FIELDS},
            ticked={name: [v for v in stored[name] if v in known[name]] for name in LIST_FIELDS},
            other={name: ", ".join(v for v in stored[name] if v not in known[name]) for name in LIST_FIELDS},
            languages=languages + [("", "")] * max(LANGUAGE_ROWS - len(languages), 1),
        )

    def data(self) -> dict[str, Any]:
        """Return every exchange field of the vacancy, as the service checks them (an empty field is no value)."""
        data: dict[str, Any] = {name: _value(name, self.text.get(name, "")) for name in TEXT_FIELDS}
        for name in LIST_FIELDS:
            data[name] = list(dict.fromkeys([*self.ticked[name], *_items(self.other[name])]))
        data["required_languages"] = [{"language": code, "level": level} for code, level in self.languages if code.strip()]
        return data


def _known_codes(name: str) -> frozenset[str]:
    taxonomy = get_taxonomy()
    return (
        frozenset(c.code for c in taxonomy.certifications)
        if "certification" in name
        else frozenset(s.code for s in taxonomy.skills)
    )


def _value(name: str, typed: str) -> Any:
    typed = typed.strip()
    if name == "min_experience_years":
        return _SPACES.sub("", typed).replace(",", ".") or 0  # empty: no minimum
    if name in ("seats", "salary_fcfa_month"):
        return _SPACES.sub("", typed) or None
    return typed or None


def _items(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,;\n]", text) if item.strip()]


# ---------------------------------------------------------------- a hiring's terms


PLACEMENT_FIELDS = ("start_date", "salary_fcfa_month")


class PlacementTerms(BaseModel):
    """A confirmation's start date and monthly salary, checked like the same fields of a vacancy."""

    start_date: IsoDate
    salary_fcfa_month: int = Checked(ge=1, le=MAX_SALARY)


def placement_terms(values: Mapping[str, Any]) -> PlacementTerms:
    """Read a confirmation's terms as typed in a form ("65 000") or sent in a body; InvalidPlacement names each wrong field."""
    given = {name: _value(name, value) if isinstance(value, str) else value for name, value in values.items()}
    try:
        return PlacementTerms.model_validate({name: given.get(name) for name in PLACEMENT_FIELDS})
    except ValidationError as invalid:
        raise employer_errors.InvalidPlacement(
            problems_from_errors(invalid.errors(include_url=False), date_fields=DATE_FIELDS)
        ) from None


def typed_terms(vacancy: Vacancy) -> dict[str, str]:
    """Return the confirmation form's fields filled with the vacancy's own start date and salary."""
    return {"start_date": form_text(vacancy.start_date), "salary_fcfa_month": form_text(vacancy.salary_fcfa_month)}


#: The fields of the form that ends a placement (employers.offers.end_placement checks them).
ENDING_FIELDS = ("end_date", "end_reason", "end_note")
#: The fields of a company's answer to a follow-up (employers.followups.confirm_employment checks them).
CONFIRMATION_FIELDS = ("still_employed", "left_on", "left_reason")


def typed_ending(form: FormData) -> dict[str, str]:
    """Return the end of a placement as typed: its last day, its reason's code, the note."""
    return {name: str(form.get(name) or "").strip() for name in ENDING_FIELDS}
