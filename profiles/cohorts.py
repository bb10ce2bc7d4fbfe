"""Cohorts and their training centres: the officers' cohort form (checked), lists, each cohort's trainees by phase.

A cohort holds INDICATORS.md's fields (its `code` is the file's `id`, the name trainees give in
`training.cohort`), the modules taught with their weights (for the overall grade, see profiles.school) and the
training centre that trains it; the centre's school accounts see that cohort and its trainees, nobody else's.
Services flush; the caller commits.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator
from sqlmodel import Session, col, func, select

from core import audit
from core.clock import utcnow
from core.problems import Problem, form_text, problems_from_errors
from matching.country import active_country
from matching.models import IsoDate
from matching.normalise import fold
from profiles import grades
from profiles.exceptions import CentreNotFound, CohortNotFound, InvalidCohort, TraineeNotFound
from profiles.forms import FormValues, typed_number
from profiles.models import Cohort, TraineeProfile, TrainingCentre
from profiles.phases import Phase, profile_phase

DATE_FIELDS = ("selection_start", "selection_end", "return_date", "training_start", "training_end", "employment_start")
#: Periods whose end may not come before their start: (start field, end field, message code).
PERIODS = (
    ("selection_start", "selection_end", "selection_order"),
    ("training_start", "training_end", "training_order"),
    ("training_end", "employment_start", "employment_order"),
)
TEXT_FIELDS = ("code", "name", "country", "centre", *DATE_FIELDS, "budget_eur")
#: Empty module rows offered below the filled ones.
SPARE_MODULES = 3
MAX_WEIGHT = 100
MAX_BUDGET_EUR = 1_000_000_000
MAX_CODE = 64
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_MODULE_KEY = re.compile(r"^module_(\d{1,3})_(name|weight)$")


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


class ModuleWeight(BaseModel):
    """A module taught to a cohort and its weight in the overall grade."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: Annotated[str, Field(min_length=1, max_length=64)]
    weight: float = Field(gt=0, le=MAX_WEIGHT)


class CohortFields(BaseModel):
    """A cohort as the officers' form (or a cohorts file) gives it."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore", allow_inf_nan=False)

    code: Annotated[str, Field(min_length=1, max_length=MAX_CODE)]
    name: Annotated[str | None, Field(max_length=200)] = None
    country: Annotated[str, BeforeValidator(_upper)] = Field(default_factory=active_country)  # the installation's
    centre: Annotated[str | None, Field(max_length=200)] = None
    selection_start: IsoDate | None = None
    selection_end: IsoDate | None = None
    return_date: IsoDate | None = None
    training_start: IsoDate | None = None
    training_end: IsoDate | None = None
    employment_start: IsoDate | None = None
    budget_eur: float | None = Field(default=None, ge=0, le=MAX_BUDGET_EUR)
    modules: list[ModuleWeight] = Field(default_factory=list)

    @field_validator("country")
    @classmethod
    def _alpha2(cls, value: str) -> str:
        if not _COUNTRY.match(value):
            raise ValueError("must be an ISO 3166 alpha-2 country code")
        return value


def check_cohort(data: Mapping[str, Any]) -> tuple[CohortFields | None, list[Problem]]:
    """Validate a cohort's fields; return them, or None and every problem (dates in order, modules named once).

    The fields that are readable are checked together even when others are not, so every problem shows at once.
    """
    problems: list[Problem] = []
    try:
        fields = CohortFields.model_validate(dict(data))
    except ValidationError as exc:
        found = problems_from_errors(exc.errors(include_url=False), date_fields=DATE_FIELDS)
        problems = [Problem(p.field, "invalid_country") if p.field == "country" else p for p in found]
        unreadable = {p.field.split(".")[0] for p in problems}
        readable = {k: v for k, v in data.items() if k not in unreadable}
        fields = CohortFields.model_validate({**readable, "code": readable.get("code") or "-"})
    problems += [
        Problem(end, code)
        for start, end, code in PERIODS
        if (first := getattr(fields, start)) and (last := getattr(fields, end)) and last < first
    ]
    names = [fold(m.name) for m in fields.modules]
    twice = [m.name for i, m in enumerate(fields.modules) if names[i] in names[:i]]
    problems += [Problem("modules", "module_twice", {"value": name}) for name in twice]
    return (None, problems) if problems else (fields, [])


def _code_of(data: Mapping[str, Any]) -> str | None:
    """Return the cohort code as the form gives it, when it is a code at all."""
    code = str(data.get("code") or "").strip()
    return code if 0 < len(code) <= MAX_CODE else None


# ---------------------------------------------------------------- the officers' cohort form

Row = dict[str, str]


@dataclass
class CohortForm:
    """The cohort form as typed: its fields, and its module rows (name, weight) with spare empty rows."""

    text: dict[str, str] = field(default_factory=lambda: {"country": active_country()})
    modules: list[Row] = field(default_factory=lambda: _with_spares([]))

    @classmethod
    def from_form(cls, form: FormValues) -> CohortForm:
        """Read the submitted form, keeping every value as typed."""
        indexes = sorted({int(m.group(1)) for key in form.keys() if (m := _MODULE_KEY.match(key))})
        rows = [{cell: str(form.get(f"module_{i}_{cell}") or "") for cell in ("name", "weight")} for i in indexes]
        return cls({name: str(form.get(name) or "") for name in TEXT_FIELDS}, _with_spares(rows))

    @classmethod
    def from_cohort(cls, cohort: Cohort, centre: TrainingCentre | None) -> CohortForm:
        """Fill the form with a saved cohort."""
        text = {name: form_text(getattr(cohort, name, None)) for name in TEXT_FIELDS}
        text["centre"] = centre.name if centre else ""
        rows = [{"name": name, "weight": form_text(weight)} for name, weight in cohort.weights.items()]
        return cls(text, _with_spares(rows))

    def data(self) -> dict[str, Any]:
        """Return the cohort's fields as typed (an empty field is no value; numbers may have a decimal comma)."""
        data: dict[str, Any] = {name: value.strip() or None for name, value in self.text.items()}
        data["budget_eur"] = typed_number(self.text.get("budget_eur", ""))
        data["country"] = data.get("country") or active_country()
        filled = [row for row in self.modules if any(v.strip() for v in row.values())]
        data["modules"] = [{"name": row["name"].strip() or None, "weight": typed_number(row["weight"])} for row in filled]
        return data


def _with_spares(rows: Sequence[Row]) -> list[Row]:
    filled = [row for row in rows if any(v.strip() for v in row.values())]
    return filled + [{"name": "", "weight": ""} for _ in range(SPARE_MODULES)]


# ---------------------------------------------------------------- services


def list_cohorts(*, session: Session, centre_id: int | None = None) -> list[Cohort]:
    """Return the cohorts (of one training centre, when given), by training start then code (undated last)."""
    query = select(Cohort)
    if centre_id is not None:
        query = query.where(Cohort.centre_id == centre_id)
    cohorts = list(session.exec(query))
    return sorted(cohorts, key=lambda c: (c.training_start is None, c.training_start or date.min, c.code))


def get_cohort(*, session: Session, cohort_id: int) -> Cohort:
    """Return a cohort by its database id, or raise CohortNotFound."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise CohortNotFound(str(cohort_id))
    return cohort


def centre_cohort(*, session: Session, cohort_id: int, centre_id: int | None) -> Cohort:
    """Return a cohort the training centre trains; another centre's cohort does not exist for it (CohortNotFound)."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None or centre_id is None or cohort.centre_id != centre_id:
        raise CohortNotFound(str(cohort_id))
    return cohort


def centre_trainee(*, session: Session, trainee_id: int, centre_id: int | None) -> tuple[TraineeProfile, Cohort]:
    """Return a trainee of one of the centre's cohorts, and that cohort; any other trainee is TraineeNotFound."""
    profile = session.get(TraineeProfile, trainee_id)
    cohort = cohort_by_code(session=session, code=profile.cohort) if profile is not None and profile.cohort else None
    if profile is None or cohort is None or centre_id is None or cohort.centre_id != centre_id:
        raise TraineeNotFound(str(trainee_id))
    return profile, cohort


def cohort_by_code(*, session: Session, code: str) -> Cohort | None:
    """Return the cohort with this code, or None."""
    return session.exec(select(Cohort).where(Cohort.code == code)).first()


def cohorts_by_code(*, session: Session, codes: Iterable[str]) -> dict[str, Cohort]:
    """Return the existing cohorts among these codes, by code."""
    wanted = sorted(set(codes))
    return {c.code: c for c in session.exec(select(Cohort).where(col(Cohort.code).in_(wanted)))} if wanted else {}


def create_cohort(*, session: Session, data: Mapping[str, Any], by: int | None = None) -> Cohort:
    """Check a cohort's fields and save a new cohort (`by`: the account, None: system); InvalidCohort lists every problem."""
    fields = _valid(session, data, cohort_id=None)
    cohort = Cohort(code=fields.code)
    _apply(session, cohort, fields, by)
    audit.record(session, actor_id=by, entity="cohort", entity_id=cohort.id, action="create", details={"code": cohort.code})
    return cohort


def update_cohort(*, session: Session, cohort_id: int, data: Mapping[str, Any], by: int | None = None) -> Cohort:
    """Replace a cohort's fields; a new code is given to its trainees too, and new weights recompute their grades."""
    cohort = get_cohort(session=session, cohort_id=cohort_id)
    fields = _valid(session, data, cohort_id=cohort_id)
    trainees = cohort_trainees(session=session, cohort=cohort)
    before = _snapshot(cohort)
    _apply(session, cohort, fields, by)
    for profile in trainees:
        grades.move_to_cohort(profile, cohort)
        session.add(profile)
    session.flush()
    details = {"code": cohort.code, "fields": audit.changed_fields(before, _snapshot(cohort)), "trainees": len(trainees)}
    audit.record(session, actor_id=by, entity="cohort", entity_id=cohort.id, action="edit", details=details)
    return cohort


def _snapshot(cohort: Cohort) -> dict[str, Any]:
    """Return the cohort's fields an edit may change (its times left out)."""
    return cohort.model_dump(mode="json", exclude={"id", "created_at", "updated_at"})


def _valid(session: Session, data: Mapping[str, Any], *, cohort_id: int | None) -> CohortFields:
    fields, problems = check_cohort(data)
    code = _code_of(data)
    other = cohort_by_code(session=session, code=code) if code else None
    if other is not None and other.id != cohort_id:
        problems = [Problem("code", "cohort_code_taken"), *problems]
    if fields is None or problems:
        raise InvalidCohort(problems)
    return fields


def _apply(session: Session, cohort: Cohort, fields: CohortFields, by: int | None) -> None:
    values = fields.model_dump(exclude={"centre", "modules"})
    cohort.sqlmodel_update(values)
    cohort.modules = [{"name": m.name, "weight": m.weight} for m in fields.modules]
    cohort.centre_id = centre_named(session=session, name=fields.centre, by=by).id if fields.centre else None
    cohort.updated_at = utcnow()
    session.add(cohort)
    session.flush()


def centre_named(*, session: Session, name: str, by: int | None = None) -> TrainingCentre:
    """Return the training centre of this name (case and accents ignored), created by `by` (None: system) if there is none."""
    wanted = fold(name)
    found = next((c for c in session.exec(select(TrainingCentre)) if fold(c.name) == wanted), None)
    if found is None:
        found = TrainingCentre(name=" ".join(name.split()))
        session.add(found)
        session.flush()
        audit.record(session, actor_id=by, entity="training_centre", entity_id=found.id, action="create",
                     details={"name": found.name})  # fmt: skip
    return found


def list_centres(*, session: Session) -> list[TrainingCentre]:
    """Return every training centre, by name."""
    return sorted(session.exec(select(TrainingCentre)), key=lambda c: fold(c.name))


def get_centre(*, session: Session, centre_id: int | None) -> TrainingCentre:
    """Return a school account's training centre; raise CentreNotFound when it has none."""
    centre = session.get(TrainingCentre, centre_id) if centre_id is not None else None
    if centre is None:
        raise CentreNotFound(str(centre_id))
    return centre


def centres_by_id(*, session: Session) -> dict[int, TrainingCentre]:
    """Return every training centre, by id."""
    return {c.id: c for c in session.exec(select(TrainingCentre)) if c.id is not None}


# ---------------------------------------------------------------- a cohort's trainees


def cohort_trainees(*, session: Session, cohort: Cohort) -> list[TraineeProfile]:
    """Return the trainees who name this cohort, by code."""
    query = select(TraineeProfile).where(TraineeProfile.cohort == cohort.code).order_by(col(TraineeProfile.code))
    return list(session.exec(query))


def trainee_counts(*, session: Session) -> dict[str, int]:
    """Return how many trainees name each cohort code."""
    named = col(TraineeProfile.cohort).is_not(None)
    query = select(TraineeProfile.cohort, func.count()).where(named).group_by(col(TraineeProfile.cohort))
    return {str(code): int(n) for code, n in session.exec(query)}


def unrecorded_cohorts(*, session: Session) -> list[tuple[str, int]]:
    """Return the cohort codes trainees name that no cohort record holds, with their number of trainees."""
    known = set(session.exec(select(Cohort.code)))
    return sorted((code, n) for code, n in trainee_counts(session=session).items() if code not in known)


@dataclass(frozen=True)
class Roster:
    """A cohort's trainees and the phase of each, as of a day."""

    cohort: Cohort
    on: date
    trainees: list[TraineeProfile]
    phases: dict[int, Phase]

    @property
    def by_phase(self) -> dict[Phase, list[TraineeProfile]]:
        """Return the trainees of each phase (every phase, in programme order), each list in the trainees' order."""
        return {phase: [p for p in self.trainees if self.phases[p.id or 0] == phase] for phase in Phase}


def roster(cohort: Cohort, trainees: Iterable[TraineeProfile], *, placed: Collection[int], on: date) -> Roster:
    """Return the trainees and their phases as of a day; `placed` holds the ids of those with an active placement."""
    listed = list(trainees)
    phases = {p.id or 0: profile_phase(p, cohort, placed=p.id in placed, on=on) for p in listed}
    return Roster(cohort, on, listed, phases)


# ---------------------------------------------------------------- a cohort's calendar


@dataclass(frozen=True)
class Period:
    """A stretch of a cohort's calendar (selection, training) or one day of it (return, planned employment start)."""

    kind: str
    start: date
    end: date

    @property
    def is_day(self) -> bool:
        """Return whether it is a single day rather than a stretch."""
        return self.kind in DAYS


#: The days of a cohort's calendar (the other periods are stretches).
DAYS = ("return", "employment")


def calendar(cohort: Cohort) -> list[Period]:
    """Return a cohort's known periods and days in time order.

    Training that starts before the trainees come back is cut at the return: the pilot's week in Paris, then
    Bamako. A stretch needs both its ends; a missing date leaves it out.
    """
    found = []
    if cohort.selection_start and cohort.selection_end:
        found.append(Period("selection", cohort.selection_start, cohort.selection_end))
    start, end, back = cohort.training_start, cohort.training_end, cohort.return_date
    if start and end and back and start < back <= end:
        found += [Period("training_paris", start, back), Period("training_bamako", back, end)]
    elif start and end:
        found.append(Period("training", start, end))
    found += [Period(kind, day, day) for kind, day in (("return", back), ("employment", cohort.employment_start)) if day]
    return sorted(found, key=lambda p: (p.start, p.end))
