"""The programme's history — cohorts, placements, follow-ups — read from exchange files and checked across them.

The records and their rules are shared/evaluation/INDICATORS.md's. Files are read by the exchange's own
machinery (`matching.exchange`: JSON or CSV, every error of every file reported at once with its file, row or
index, record id and field); this module adds the history's record models and the checks that need more than
one record or file. Pure: no database, no web.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, field_validator

from matching import exchange
from matching.exchange import Issue, Parsed, WithIssues
from matching.models import MAX_SALARY, Code, IsoDate, Level, Name, Place, Record, Trainee, _lowered, _upper

HistoryKind = Literal["cohorts", "placements", "followups"]
EndReason = Literal["resigned", "dismissed", "contract_ended", "trial_failed", "remigrated", "other"]
Employment = Literal["same_employer", "other_security_job", "other_job", "unemployed", "abroad"]

#: Months after a placement's start at which its trainee is followed up.
FOLLOW_UP_MONTHS: tuple[int, ...] = (1, 3, 6, 12)
#: The country a cohort returns to when its record does not say (INDICATORS.md, "Cohorts").
DEFAULT_COUNTRY = "ML"
_COUNTRY = re.compile(r"^[A-Z]{2}$")

ModelT = TypeVar("ModelT", bound=BaseModel)


class Cohort(Record):
    """A cohort of trainees: its calendar, the country it returns to, and its share of the programme's cost."""

    id: Code
    name: Name | None = None
    country: Annotated[str, BeforeValidator(_upper)] = DEFAULT_COUNTRY
    selection_start: IsoDate | None = None
    selection_end: IsoDate | None = None
    return_date: IsoDate | None = None
    training_start: IsoDate | None = None
    training_end: IsoDate | None = None
    employment_start: IsoDate | None = None
    budget_eur: float | None = Field(default=None, ge=0)

    @field_validator("country")
    @classmethod
    def _alpha2(cls, value: str) -> str:
        if not _COUNTRY.match(value):
            raise ValueError(f"must be an ISO 3166 alpha-2 country code such as ML (got {value!r})")
        return value


class Placement(Record):
    """A job a trainee held (or holds: no end_date), with its salary at the start."""

    id: Code
    trainee_id: Code
    vacancy_id: Code | None = None
    employer: Name
    level: _lowered(Level)  # type: ignore[valid-type]
    town: Place | None = None
    start_date: IsoDate
    end_date: IsoDate | None = None
    end_reason: _lowered(EndReason | None) = Field(default=None, validate_default=True)  # type: ignore[valid-type]
    salary_fcfa_month: int = Field(ge=0, le=MAX_SALARY)

    @field_validator("end_date")
    @classmethod
    def _not_before_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_date")
        if value is not None and start is not None and value < start:
            raise ValueError(f"is before start_date ({start.isoformat()})")
        return value

    @field_validator("end_reason")
    @classmethod
    def _given_with_end(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("end_date") is not None:
            raise ValueError("is required when end_date is set")
        return value


class FollowUp(Record):
    """A follow-up of a placement, 1, 3, 6 or 12 months after its start."""

    placement_id: Code
    month: int
    done_on: IsoDate
    reached: bool
    employment: _lowered(Employment | None) = Field(default=None, validate_default=True)  # type: ignore[valid-type]
    salary_fcfa_month: int | None = Field(default=None, ge=0, le=MAX_SALARY)
    economic: float | None = Field(default=None, ge=0, le=1)
    social: float | None = Field(default=None, ge=0, le=1)
    psychosocial: float | None = Field(default=None, ge=0, le=1)

    @field_validator("month")
    @classmethod
    def _follow_up_month(cls, value: int) -> int:
        if value not in FOLLOW_UP_MONTHS:
            raise ValueError(f"must be 1, 3, 6 or 12 (got {value})")
        return value

    @field_validator("employment")
    @classmethod
    def _only_when_reached(cls, value: str | None, info: ValidationInfo) -> str | None:
        # "required: when reached" (INDICATORS.md): a reached person's situation is a required field.
        reached = info.data.get("reached")
        if reached is True and value is None:
            raise ValueError("is required when reached is true")
        if reached is False and value is not None:
            raise ValueError(f"must be empty when reached is false (got {value!r})")
        return value


MODELS: dict[HistoryKind, type[BaseModel]] = {"cohorts": Cohort, "placements": Placement, "followups": FollowUp}


@dataclass
class History(WithIssues):
    """Trainees and their history as read from files, with every issue found in them and across them."""

    trainees: list[Trainee]
    placements: list[Placement]
    followups: list[FollowUp]
    cohorts: list[Cohort] | None
    issues: list[Issue]


# ---------------------------------------------------------------- reading


def parse_records(text: str, *, kind: HistoryKind, source: str, fmt: Literal["json", "csv"]) -> Parsed[Any]:
    """Parse and validate the text of a cohorts, placements or follow-ups file."""
    parsed = exchange.parse_located(text, kind=kind, model=MODELS[kind], source=source, fmt=fmt)
    return _labelled(parsed) if kind == "followups" else parsed


def load_records(path: str | Path, kind: HistoryKind) -> Parsed[Any]:
    """Read a cohorts, placements or follow-ups file (JSON or CSV, by extension)."""
    return _load(path, kind, MODELS[kind])


def _load(path: str | Path, kind: str, model: type[ModelT]) -> Parsed[ModelT]:
    try:
        parsed = exchange.load_located(path, kind=kind, model=model)
    except exchange.ExchangeError as exc:  # neither .json nor .csv
        return Parsed(str(path), "json", [], [], exc.issues)
    return _labelled(parsed) if kind == "followups" else parsed


def _labelled(parsed: Parsed[ModelT]) -> Parsed[ModelT]:
    """Name follow-ups, which have no id, by their placement and month in their issues."""
    labels = {r.where: _follow_up_label(r.data) for r in parsed.raw if "placement_id" in r.data}
    if labels:
        parsed.issues = [replace(i, record_id=labels[i.where]) if i.where in labels else i for i in parsed.issues]
    return parsed


def _follow_up_label(data: dict[str, Any]) -> str:
    month = str(data.get("month", "")).strip()
    return f"{str(data['placement_id']).strip()}, month {month}" if month else str(data["placement_id"]).strip()


def load_history(
    *, trainees: str | Path, placements: str | Path, followups: str | Path | None = None, cohorts: str | Path | None = None
) -> History:
    """Read the trainees file and the history files and check them across files; every issue of every file is kept."""
    return check_history(
        trainees=_load(trainees, "trainees", Trainee),
        placements=_load(placements, "placements", Placement),
        followups=_load(followups, "followups", FollowUp) if followups is not None else None,
        cohorts=_load(cohorts, "cohorts", Cohort) if cohorts is not None else None,
    )


# ---------------------------------------------------------------- checks across records and files


def check_history(
    *,
    trainees: Parsed[Trainee],
    placements: Parsed[Placement],
    followups: Parsed[FollowUp] | None = None,
    cohorts: Parsed[Cohort] | None = None,
) -> History:
    """Add to the files' own issues those found across records and files (INDICATORS.md, "Errors")."""
    files = [f for f in (trainees, placements, followups, cohorts) if f is not None]
    issues = [issue for f in files for issue in f.issues]
    if cohorts is not None:
        issues += unknown_cohorts(trainees, cohorts)
    issues += unknown_trainees(placements, trainees)
    issues += overlapping_placements(placements)
    if followups is not None:
        issues += follow_up_problems(followups, placements)
    return History(
        trainees=trainees.records,
        placements=placements.records,
        followups=followups.records if followups is not None else [],
        cohorts=cohorts.records if cohorts is not None else None,
        issues=issues,
    )


def file_ids(parsed: Parsed[Any]) -> set[str] | None:
    """Return the ids of every record of a file, valid or not; None when the file could not be read at all."""
    if not parsed.raw and not parsed.ok:
        return None  # every reference to it would be reported as unknown: its own error says enough
    return {str(r.data.get("id", "")).strip() for r in parsed.raw}


def unknown_cohorts(trainees: Parsed[Trainee], cohorts: Parsed[Cohort]) -> list[Issue]:
    """Report the trainees naming a cohort that no record of `cohorts` has (valid or not)."""
    known = file_ids(cohorts)
    if known is None:
        return []
    field = "training_cohort" if trainees.fmt == "csv" else "training.cohort"
    return [
        Issue(trainees.source, where, field, f"names cohort {cohort!r}, which {cohorts.source} does not hold", t.id)
        for where, t in trainees.located
        if (cohort := t.training.cohort if t.training else None) and cohort not in known
    ]


def unknown_trainees(placements: Parsed[Placement], trainees: Parsed[Trainee]) -> list[Issue]:
    """Report the placements whose trainee_id no record of `trainees` has (valid or not)."""
    known = file_ids(trainees)
    if known is None:
        return []
    return [
        Issue(placements.source, where, "trainee_id", f"no trainee of {trainees.source} has the id {p.trainee_id!r}", p.id)
        for where, p in placements.located
        if p.trainee_id not in known
    ]


def _placement_order(item: _Dated) -> tuple[date, bool, date, str]:
    p = item[1]
    return p.start_date, p.end_date is None, p.end_date or p.start_date, p.id


#: A placement with its place in the file (None: stored elsewhere, e.g. in the database).
_Dated = tuple[str | None, Placement]


def overlapping_placements(
    placements: Parsed[Placement], stored: Iterable[Placement] = (), *, stored_source: str = ""
) -> list[Issue]:
    """Report the file's placements that overlap another of the same trainee, in the file or among `stored` ones.

    A stored placement with the id of one of the file's is replaced by it (the file updates it).
    """
    in_file = {p.id for p in placements.records}
    by_trainee: dict[str, list[_Dated]] = defaultdict(list)
    for item in [*placements.located, *((None, p) for p in stored if p.id not in in_file)]:
        by_trainee[item[1].trainee_id].append(item)
    issues: list[Issue] = []
    for items in by_trainee.values():
        if len(items) > 1:
            issues += _overlaps_of_one_trainee(sorted(items, key=_placement_order), placements.source, stored_source)
    return issues


def _overlaps_of_one_trainee(ordered: Sequence[_Dated], source: str, stored_source: str = "") -> list[Issue]:
    """Report each placement starting before an earlier one (by start_date) ended, or after one that never ends.

    The issue is the later placement's when it is the file's; else the earlier one's, naming the stored one.
    """
    issues = []
    latest_where, latest = ordered[0]  # the earlier placement that ends last (None: never)
    for where, p in ordered[1:]:
        if latest.end_date is None or p.start_date < latest.end_date:
            issue = _overlap(source, stored_source, (where, p), (latest_where, latest))
            issues += [issue] if issue else []
        if latest.end_date is not None and (p.end_date is None or p.end_date > latest.end_date):
            latest_where, latest = where, p
    return issues


def _overlap(source: str, stored_source: str, later: _Dated, earlier: _Dated) -> Issue | None:
    (where, p), (earlier_where, e) = later, earlier
    if where is not None:
        held = f"placement {e.id} of the same trainee" + (f" ({stored_source})" if earlier_where is None else "")
        told = f"but {held} has no end_date" if e.end_date is None else f"before {held} ended ({e.end_date})"
        return Issue(source, where, "start_date", f"starts on {p.start_date}, {told}", p.id)
    if earlier_where is not None:
        told = "this one has no end_date" if e.end_date is None else f"before this one ends ({e.end_date})"
        message = f"placement {p.id} of the same trainee ({stored_source}) starts on {p.start_date}, {told}"
        return Issue(source, earlier_where, "end_date", message, e.id)
    return None  # two stored placements: not this file's doing


def follow_up_problems(followups: Parsed[FollowUp], placements: Parsed[Placement]) -> list[Issue]:
    """Report follow-ups of an unknown placement, done before its start, or second for a placement and month."""
    known = file_ids(placements)
    starts = {p.id: p.start_date for p in placements.records}
    first_at: dict[tuple[str, int], str] = {}
    issues = []
    for where, f in followups.located:
        label, pair = f"{f.placement_id}, month {f.month}", (f.placement_id, f.month)
        if pair in first_at:
            message = f"is a second follow-up for placement {f.placement_id}, month {f.month} (the first: {first_at[pair]})"
            issues.append(Issue(followups.source, where, "month", message, label))
        first_at.setdefault(pair, where)
        if known is not None and f.placement_id not in known:
            message = f"no placement of {placements.source} has the id {f.placement_id!r}"
            issues.append(Issue(followups.source, where, "placement_id", message, label))
        elif (start := starts.get(f.placement_id)) is not None and f.done_on < start:
            message = f"is before the placement's start_date ({start})"
            issues.append(Issue(followups.source, where, "done_on", message, label))
    return issues


# ---------------------------------------------------------------- writing


def to_text(records: Iterable[BaseModel], kind: HistoryKind, fmt: Literal["json", "csv"]) -> str:
    """Return history records as a JSON (`{"<kind>": [...]}`) or CSV document."""
    rows = list(records)
    return exchange.to_json_text(rows, kind) if fmt == "json" else exchange.records_csv_text(rows, MODELS[kind])


def write_records(path: str | Path, records: Iterable[BaseModel], kind: HistoryKind) -> None:
    """Write history records to a JSON or CSV file, by extension."""
    path = Path(path)
    exchange.write_text_private(path, to_text(records, kind, exchange.detect_format(path)))
