"""The trainee profile form: what an officer types ↔ a trainee's exchange fields, checked exactly as an import checks them.

A profile is validated by the exchange model (matching.models.Trainee) and normalised by the exchange's
normaliser, the very steps `rdvm import` applies to each record of a file, so a value the import refuses is
refused here with an error on the same field, and a value the import keeps with a warning is kept here with
the same warning. Problems are field paths and message codes (employers.validation.Problem); the web layer
writes the sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from core.problems import Problem, RecordCheck, form_text, problems_from_errors
from matching.country import get_pack
from matching.exchange import normalise_records
from matching.models import Trainee as ExchangeTrainee
from matching.normalise import Vocabulary, get_vocabularies

#: One-line fields, named as the form (and the exchange CSV) names them.
TEXT_FIELDS = ("id", "full_name", "gender", "birth_date", "phone", "home_town", "mobility", "extra_towns", "literacy",
               "education", "available_from", "training_cohort", "training_overall", "summary")  # fmt: skip
#: Taxonomy lists: ticked codes plus an "other" free-text field.
TAXONOMY_LISTS = ("skills", "certifications")
#: Lists of fixed choices, ticked only.
CHOICE_LISTS = ("driving_licences", "preferred_levels", "preferred_shifts")
LANGUAGE_CELLS = ("language", "level")
EXPERIENCE_CELLS = ("title", "years", "sector", "country")
MODULE_CELLS = ("name", "grade")
#: Empty rows offered below the filled ones, to add a language, an experience or a module.
SPARE_ROWS = {"language": 2, "experience": 1, "module": 2}
DATE_FIELDS = frozenset({"birth_date", "available_from"})
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_ROW_KEY = re.compile(r"^(language|experience|module)_(\d{1,3})_")


class FormValues(Protocol):
    """A submitted form (starlette's FormData): one value per name, several for checkboxes."""

    def get(self, key: str, /) -> Any: ...

    def getlist(self, key: str, /) -> list[Any]: ...

    def keys(self) -> Iterable[str]: ...


Row = dict[str, str]


@dataclass
class TraineeForm:
    """The profile form as typed: text fields, ticked values, "other" free text, rows, and the consent box."""

    text: dict[str, str] = field(default_factory=lambda: {"mobility": "town", "literacy": "basic"})
    ticked: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in (*TAXONOMY_LISTS, *CHOICE_LISTS)})
    other: dict[str, str] = field(default_factory=lambda: dict.fromkeys(TAXONOMY_LISTS, ""))
    rows: dict[str, list[Row]] = field(default_factory=lambda: {kind: _with_spares(kind, []) for kind in SPARE_ROWS})
    consent: bool = False

    @classmethod
    def from_form(cls, form: FormValues) -> TraineeForm:
        """Read the submitted form, keeping every value as typed (to show it again next to its error)."""
        return cls(
            text={name: _typed(form, name) for name in TEXT_FIELDS},
            ticked={name: [str(v) for v in form.getlist(name)] for name in (*TAXONOMY_LISTS, *CHOICE_LISTS)},
            other={name: _typed(form, f"{name}_other") for name in TAXONOMY_LISTS},
            rows={kind: _with_spares(kind, _typed_rows(form, kind)) for kind in SPARE_ROWS},
            consent=bool(form.get("consent")),
        )

    @classmethod
    def from_profile(
        cls, record: ExchangeTrainee, *, cohort: str | None, consent: bool, overall_computed: bool = False
    ) -> TraineeForm:
        """Fill the form with a saved profile: taxonomy values ticked, the others in the "other" fields.

        An overall grade computed from the module grades is left out: the field holds only a grade an officer gives.
        """
        stored = record.model_dump(mode="json")
        training = stored.get("training") or {}
        text = {name: form_text(stored.get(name)) for name in TEXT_FIELDS}
        text |= {"extra_towns": ", ".join(record.extra_towns), "training_cohort": cohort or training.get("cohort") or "",
                 "training_overall": "" if overall_computed else form_text(training.get("overall"))}  # fmt: skip
        known = {name: _known_codes(name) for name in TAXONOMY_LISTS}
        ticked = {name: [v for v in stored[name] if v in known[name]] for name in TAXONOMY_LISTS}
        ticked |= {name: list(stored[name]) for name in CHOICE_LISTS}
        rows = {
            "language": [{"language": x["language"], "level": x["level"]} for x in stored["languages"]],
            "experience": [{cell: form_text(x.get(cell)) for cell in EXPERIENCE_CELLS} for x in stored["experience"]],
            "module": [{"name": name, "grade": form_text(grade)} for name, grade in (training.get("modules") or {}).items()],
        }
        return cls(
            text=text,
            ticked=ticked,
            other={name: ", ".join(v for v in stored[name] if v not in known[name]) for name in TAXONOMY_LISTS},
            rows={kind: _with_spares(kind, found) for kind, found in rows.items()},
            consent=consent,
        )

    def data(self) -> dict[str, Any]:
        """Return the trainee's exchange record as an import file would hold it (an empty field is no value)."""
        data: dict[str, Any] = {name: _value(name, self.text.get(name, "")) for name in TEXT_FIELDS}
        data["extra_towns"] = _items(self.text.get("extra_towns", ""))
        for name in TAXONOMY_LISTS:
            data[name] = list(dict.fromkeys([*self.ticked[name], *_items(self.other[name])]))
        for name in CHOICE_LISTS:
            data[name] = list(dict.fromkeys(self.ticked[name]))
        data["languages"] = [{"language": r["language"].strip(), "level": r["level"] or None}
                             for r in self.rows["language"] if r["language"].strip()]  # fmt: skip
        data["experience"] = [_experience(r) for r in self.rows["experience"] if any(v.strip() for v in r.values())]
        data["training"] = _training(data.pop("training_cohort"), data.pop("training_overall"), self.rows["module"])
        return {name: value for name, value in data.items() if value not in (None, [])}


def _typed(form: FormValues, name: str) -> str:
    return str(form.get(name) or "")


def _typed_rows(form: FormValues, kind: str) -> list[Row]:
    cells = {"language": LANGUAGE_CELLS, "experience": EXPERIENCE_CELLS, "module": MODULE_CELLS}[kind]
    indexes = sorted({int(m.group(2)) for key in form.keys() if (m := _ROW_KEY.match(key)) and m.group(1) == kind})
    return [{cell: _typed(form, f"{kind}_{i}_{cell}") for cell in cells} for i in indexes]


def _with_spares(kind: str, rows: Sequence[Row]) -> list[Row]:
    """Return the filled rows followed by empty ones to add more."""
    cells = {"language": LANGUAGE_CELLS, "experience": EXPERIENCE_CELLS, "module": MODULE_CELLS}[kind]
    filled = [row for row in rows if any(v.strip() for v in row.values())]
    return filled + [dict.fromkeys(cells, "") for _ in range(SPARE_ROWS[kind])]


def _known_codes(name: str) -> frozenset[str]:
    vocabulary = _vocabulary(name)
    return frozenset(vocabulary.names.values())


def _vocabulary(name: str) -> Vocabulary:
    vocabularies = get_vocabularies()
    return {"skills": vocabularies.skills, "certifications": vocabularies.certifications}[name]


def typed_number(typed: str) -> str | None:
    """Return a typed number as the exchange reads it: spaces dropped, a decimal comma made a point."""
    return _SPACES.sub("", typed).replace(",", ".") or None


def _value(name: str, typed: str) -> Any:
    typed = typed.strip()
    if name == "training_overall":
        return typed_number(typed)
    return typed or None


def _items(text: str) -> list[str]:
    return list(dict.fromkeys(item.strip() for item in re.split(r"[,;\n]", text) if item.strip()))


def _experience(row: Row) -> dict[str, Any]:
    entry: dict[str, Any] = {"title": row["title"].strip(), "years": typed_number(row["years"]), "sector": row["sector"] or None}
    if row["country"].strip():
        entry["country"] = row["country"].strip()
    return entry


def _training(cohort: str | None, overall: str | None, modules: Sequence[Row]) -> dict[str, Any] | None:
    grades = {r["name"].strip(): typed_number(r["grade"]) for r in modules if r["name"].strip()}
    training = {"cohort": cohort, "overall": overall, "modules": grades}
    return {k: v for k, v in training.items() if v} or None


# ---------------------------------------------------------------- checking


TraineeCheck = RecordCheck[ExchangeTrainee]


def check_trainee(data: Mapping[str, Any]) -> TraineeCheck:
    """Validate and normalise a trainee's exchange fields as the import does; list every error and warning."""
    try:
        record = ExchangeTrainee.model_validate(dict(data))
    except ValidationError as exc:
        return TraineeCheck(None, trainee_errors(exc.errors(include_url=False)))
    normalise_records([record], source="form", wheres=[""])
    return TraineeCheck(record, trainee_warnings(record))


def trainee_errors(errors: Iterable[ErrorDetails]) -> list[Problem]:
    """Turn the exchange model's errors into problems, with the trainee's own messages for phones, dates and countries."""
    return [_refined(problem) for problem in problems_from_errors(errors)]


def _refined(problem: Problem) -> Problem:
    if problem.code != "field_invalid":
        return problem
    if problem.field == "phone":
        return replace(problem, code="invalid_phone", values={"example": get_pack().phone.example})
    if problem.field in DATE_FIELDS:
        return replace(problem, code="field_date")
    if problem.field.endswith(".country"):
        return replace(problem, code="invalid_country")
    return problem


def trainee_warnings(record: ExchangeTrainee) -> list[Problem]:
    """Return the values of a normalised trainee that match nothing in the taxonomy (the import's warnings)."""
    v = get_vocabularies()
    found = _unknown(v.towns, "home_town", "unknown_place", [record.home_town])
    found += _unknown(v.towns, "extra_towns", "unknown_place", record.extra_towns)
    found += [
        Problem(f"languages.{i}.language", "unknown_language", {"value": x.language}, "warning")
        for i, x in enumerate(record.languages)
        if not v.languages.match(x.language).matched
    ]
    found += _unknown(v.skills, "skills", "unknown_skill", record.skills)
    return found + _unknown(v.certifications, "certifications", "unknown_certification", record.certifications)


def _unknown(vocabulary: Vocabulary, name: str, code: str, values: Iterable[str]) -> list[Problem]:
    # A normalised value is canonical unless the normaliser kept it as written: matching it again tells which.
    return [Problem(name, code, {"value": value}, "warning") for value in values if not vocabulary.match(value).matched]


def form_field(path: str) -> str:
    """Return the form field (the exchange CSV column) a problem's path belongs to: "languages.0.level" → "languages"."""
    head, _, rest = path.partition(".")
    if head != "training" or not rest:
        return head
    part = rest.split(".")[0]
    return "training_modules" if part == "modules" else f"training_{part}"


def by_form_field(problems: Iterable[Problem]) -> list[Problem]:
    """Return the problems filed under their form field."""
    return [replace(p, field=form_field(p.field)) for p in problems]
