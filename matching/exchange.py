"""Read, validate, normalise and write exchange-format files (JSON and CSV).

Reading never stops at the first problem: every error of a file is reported with its file, row or
index, record id and field. Values that match nothing in the taxonomy are kept as written and
reported as warnings.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from matching.country import get_pack
from matching.gcpause import paused_gc
from matching.models import LANGUAGE_LEVELS, Trainee, Vacancy
from matching.normalise import Vocabularies, Vocabulary, get_vocabularies

Kind = Literal["trainees", "vacancies"]
RecordT = TypeVar("RecordT", Trainee, Vacancy)
ModelT = TypeVar("ModelT", bound=BaseModel)
MODELS: dict[Kind, type[Trainee] | type[Vacancy]] = {"trainees": Trainee, "vacancies": Vacancy}

LIST_FIELDS = frozenset(
    {
        "extra_towns",
        "skills",
        "certifications",
        "driving_licences",
        "preferred_levels",
        "preferred_shifts",
        "required_certifications",
        "preferred_certifications",
        "required_skills",
        "preferred_skills",
    }
)
LANGUAGE_FIELDS = frozenset({"languages", "required_languages"})
#: Number columns (a decimal comma and thousands spaces are accepted), the history files' included (INDICATORS.md).
NUMBER_FIELDS = frozenset({"seats", "salary_fcfa_month", "salary_month", "min_experience_years", "training_overall"}) | frozenset(
    {"budget_eur", "month", "economic", "social", "psychosocial"}
)
#: A trainee's history columns (INDICATORS.md): written only when a record has one, so older files keep their columns.
TRAINEE_HISTORY_COLUMNS = ("training_completed", "dropped_out_on", "dropout_reason")
#: A vacancy's salary in the country pack's currency: written only when a record has one, so older files keep theirs.
VACANCY_CURRENCY_COLUMNS = ("salary_month", "currency")
MODULE_PREFIX = "module:"
_DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


@dataclass(frozen=True)
class Issue:
    """One problem found in a file: where it is, which field, and what is wrong."""

    source: str
    where: str
    field: str
    message: str
    record_id: str | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        who = f" ({self.record_id})" if self.record_id else ""
        at = f", field '{self.field}'" if self.field else ""
        return f"{self.source}: {self.where}{who}{at}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Return the issue as a JSON-ready dictionary."""
        return {
            "severity": self.severity,
            "source": self.source,
            "where": self.where,
            "record_id": self.record_id,
            "field": self.field,
            "message": self.message,
        }


@dataclass
class RawRecord:
    """A record as read from a file, before validation, with its location."""

    where: str
    data: dict[str, Any]
    problems: list[tuple[str, str]] = field(default_factory=list)


class WithIssues:
    """Something that found issues (a file read, an import): its errors and warnings apart."""

    issues: list[Issue]

    @property
    def errors(self) -> list[Issue]:
        """Return the issues that make the file unusable."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """Return the issues that only deserve attention."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """Return whether the file has no error."""
        return not self.errors


@dataclass
class LoadResult(WithIssues, Generic[RecordT]):
    """The valid records of a file and every issue found in it."""

    records: list[RecordT]
    issues: list[Issue]


class ExchangeError(Exception):
    """Raised when a file holds errors; carries every issue found."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues if i.severity == "error"))


# ---------------------------------------------------------------- reading raw records


def read_raw(text: str, *, source: str, fmt: Literal["json", "csv"], kind: str) -> tuple[list[RawRecord], list[Issue]]:
    """Split a file's text into raw records; return them and the file-level issues (`kind`: a JSON object's key)."""
    text = text.removeprefix("\ufeff")
    if fmt == "json":
        return _read_json(text, source=source, kind=kind)
    return _read_csv(text, source=source)


def _read_json(text: str, *, source: str, kind: str) -> tuple[list[RawRecord], list[Issue]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [Issue(source, f"line {exc.lineno}", "", f"is not valid JSON: {exc.msg}")]
    except RecursionError:
        return [], [Issue(source, "top level", "", "is nested too deeply to be read (lists or objects inside each other)")]
    if isinstance(data, dict):
        if kind not in data:
            return [], [Issue(source, "top level", kind, f"expected a list of records or an object with the key '{kind}'")]
        data = data[kind]
    if not isinstance(data, list):
        return [], [Issue(source, "top level", kind, "expected a list of records")]
    records, issues = [], []
    for index, item in enumerate(data):
        if isinstance(item, dict):
            records.append(RawRecord(f"index {index}", {k: v for k, v in item.items() if v is not None}))
        else:
            issues.append(Issue(source, f"index {index}", "", "is not an object"))
    return records, issues


#: What starts a cell a spreadsheet would run as a formula (CSV injection): = @ tab CR, or + - unless the rest is a
#: plain number (a phone number such as +22376123456 stays as written: a spreadsheet reads it as a number, no formula).
_RUNNABLE = r"(?:[=@\t\r]|[+\-](?![0-9 .,]*$))"
#: A cell to neutralise: the runnable start, after any quotes written before.
FORMULA = re.compile(r"'*" + _RUNNABLE)
#: A cell written with one quote more by `neutralise`: reading drops it.
NEUTRALISED = re.compile(r"'+" + _RUNNABLE)


def neutralise(cell: str) -> str:
    """Return a CSV cell a spreadsheet will show as text, not run: one quote before a cell starting with = @ tab CR, or + -
    followed by more than a number.

    Cells already starting with quotes before such a character get one more, so `unneutralise` gives back every value.
    """
    return "'" + cell if FORMULA.match(cell) else cell


def unneutralise(cell: str) -> str:
    """Return a CSV cell as it was before `neutralise`."""
    return cell[1:] if NEUTRALISED.match(cell) else cell


def write_text_private(path: str | Path, text: str) -> None:
    """Write a text file only its owner may read (0600, whatever the umask), replacing any file there."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT: set it
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _read_csv(text: str, *, source: str) -> tuple[list[RawRecord], list[Issue]]:
    if not text.strip():
        return [], [Issue(source, "row 1", "", "the file is empty: expected a header row")]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.splitlines()[0]))
    records: list[RawRecord] = []
    header: list[str] | None = None
    number = 1  # the last row read
    try:
        header = [h.strip() for h in next(reader)]
        for number, cells in enumerate(reader, start=2):  # noqa: B007  (the row after it is the one that failed)
            _add_csv_row(records, header, number, cells)
    except csv.Error as exc:  # a cell past csv.field_size_limit(), a stray quote
        return records, [_unreadable_row(source, 1 if header is None else number + 1, exc)]
    return records, []


def _unreadable_row(source: str, number: int, error: csv.Error) -> Issue:
    if "field larger than field limit" in str(error):
        limit = csv.field_size_limit()
        return Issue(source, f"row {number}", "", f"has a cell longer than {limit} characters, the longest a cell may be")
    return Issue(source, f"row {number}", "", f"cannot be read as CSV: {error}")


def _add_csv_row(records: list[RawRecord], header: list[str], number: int, cells: list[str]) -> None:
    """Add a CSV row's record to `records` (a row of empty cells adds nothing)."""
    if not any(c.strip() for c in cells):
        return
    record = RawRecord(f"row {number}", {})
    if len(cells) > len(header):
        record.problems.append(("", f"has {len(cells)} cells but the header has {len(header)} columns"))
    for name, cell in zip(header, cells, strict=False):
        _put_cell(record, name, unneutralise(cell).strip())
    records.append(record)


def _put_cell(record: RawRecord, name: str, cell: str) -> None:
    if not cell or not name:
        return
    data = record.data
    if name in LIST_FIELDS:
        data[name] = [item.strip() for item in cell.split("|") if item.strip()]
    elif name in LANGUAGE_FIELDS:
        data[name] = [_language_item(record, name, item) for item in cell.split("|") if item.strip()]
    elif name == "experience":
        data[name] = [_experience_item(record, item) for item in cell.split("|") if item.strip()]
    elif name == "training_overall":
        data.setdefault("training", {})["overall"] = _number(cell)
    elif name == "training_cohort":
        data.setdefault("training", {})["cohort"] = cell
    elif name == "training_completed":
        data.setdefault("training", {})["completed"] = cell
    elif name.startswith(MODULE_PREFIX):
        data.setdefault("training", {}).setdefault("modules", {})[name[len(MODULE_PREFIX) :].strip()] = _number(cell)
    else:
        data[name] = _number(cell) if name in NUMBER_FIELDS else cell


def _number(cell: str) -> str:
    cell = cell.replace("\u00a0", "").replace("\u202f", "")
    if _DECIMAL_COMMA.match(cell):
        return cell.replace(",", ".")
    return cell.replace(" ", "") if re.fullmatch(r"[\d ]+", cell) else cell


def _language_item(record: RawRecord, name: str, item: str) -> dict[str, str]:
    language, sep, level = item.strip().rpartition(":")
    if not sep:
        record.problems.append((name, f"item {item.strip()!r} must be written code:level, e.g. bm:native"))
        return {"language": item.strip(), "level": "basic"}
    return {"language": language, "level": level}


def _experience_item(record: RawRecord, item: str) -> dict[str, str]:
    parts = item.strip().split(":", 3)
    if len(parts) < 2:
        record.problems.append(("experience", f"item {item.strip()!r} must be written years:sector:country:title"))
        return {"years": "0", "sector": "other"}
    years, sector, country, title = [*parts, "", ""][:4]
    entry = {"years": _number(years), "sector": sector}
    if country.strip():
        entry["country"] = country
    if title.strip():
        entry["title"] = title
    return entry


# ---------------------------------------------------------------- validation


def _field_name(loc: tuple[int | str, ...], fmt: str) -> str:
    if not loc:
        return ""
    if fmt == "csv":
        head = str(loc[0])
        if head == "training" and len(loc) > 1:
            return f"{MODULE_PREFIX}{loc[2]}" if loc[1] == "modules" and len(loc) > 2 else f"training_{loc[1]}"
        return head
    name = str(loc[0])
    for part in loc[1:]:
        name += f"[{part}]" if isinstance(part, int) else f".{part}"
    return name


_MESSAGES = {
    "missing": "is required",
    "string_too_short": "must not be empty",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "string_type": "must be text",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
}


def _message(error: Any) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    got = error.get("input")
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')} (got {got!r})"
    if kind in {"greater_than_equal", "less_than_equal"}:
        bound = "at least" if kind == "greater_than_equal" else "at most"
        limit = ctx.get("ge", ctx.get("le"))
        return f"must be {bound} {limit} (got {got!r})"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    base = _MESSAGES.get(kind, error["msg"])
    return base if kind == "missing" else f"{base} (got {got!r})"


def validate(raw: Sequence[RawRecord], *, model: type[RecordT], source: str, fmt: str) -> tuple[list[RecordT], list[Issue]]:
    """Validate raw records against a model; return the valid ones and every error."""
    located, issues = validate_located(raw, model=model, source=source, fmt=fmt)
    return [record for _, record in located], issues


def validate_located(
    raw: Sequence[RawRecord], *, model: type[ModelT], source: str, fmt: str
) -> tuple[list[tuple[str, ModelT]], list[Issue]]:
    """Validate raw records against any record model; return each valid one with its location, and every error."""
    located: list[tuple[str, ModelT]] = []
    issues: list[Issue] = []
    for item in raw:
        record_id = str(item.data.get("id", "")).strip() or None
        issues += [Issue(source, item.where, f, m, record_id) for f, m in item.problems]
        try:
            record = model.model_validate(item.data)
        except ValidationError as exc:
            issues += [
                Issue(source, item.where, _field_name(e["loc"], fmt), _message(e), record_id)
                for e in exc.errors(include_url=False)
            ]
            continue
        if not item.problems:
            located.append((item.where, record))
    issues += _duplicate_ids(raw, source=source)
    return located, issues


def _duplicate_ids(raw: Sequence[RawRecord], *, source: str) -> list[Issue]:
    ids = [str(r.data.get("id", "")).strip() for r in raw]
    counts = Counter(i for i in ids if i)
    first: dict[str, str] = {}
    issues = []
    for record, record_id in zip(raw, ids, strict=True):
        if counts.get(record_id, 0) > 1:
            if record_id in first:
                issues.append(Issue(source, record.where, "id", f"duplicate id, already used at {first[record_id]}", record_id))
            else:
                first[record_id] = record.where
    return issues


def unknown_fields(raw: Sequence[RawRecord], *, model: type[BaseModel], source: str) -> list[Issue]:
    """Warn once per unknown field name: it is ignored, not an error (newer files may carry more)."""
    known = set(model.model_fields)
    seen: dict[str, str] = {}
    for record in raw:
        for name in record.data:
            if name not in known and name not in seen:
                seen[name] = record.where
    return [
        Issue(source, where, name, "is not a field of the exchange format; ignored", severity="warning")
        for name, where in seen.items()
    ]


# ---------------------------------------------------------------- normalisation


class _Normaliser:
    """Maps a record's free-text values to the taxonomy and collects warnings."""

    def __init__(self, vocabularies: Vocabularies, source: str) -> None:
        self.vocabularies = vocabularies
        self.source = source
        self.issues: list[Issue] = []
        self.where = ""
        self.record_id: str | None = None
        self._known: dict[str, dict[str, str]] = {}  # per vocabulary, the value of each text matched (most recur)

    def one(self, vocabulary: Vocabulary, field_name: str, text: str) -> str:
        return self._known.get(vocabulary.kind, {}).get(text) or self._match(vocabulary, field_name, text)

    def _match(self, vocabulary: Vocabulary, field_name: str, text: str) -> str:
        found = vocabulary.match(text)
        if found.matched:
            self._known.setdefault(vocabulary.kind, {})[text] = found.kept
        else:
            self.issues.append(
                Issue(
                    self.source,
                    self.where,
                    field_name,
                    f"{vocabulary.kind} {text!r} matches nothing in the taxonomy; kept as written",
                    self.record_id,
                    "warning",
                )
            )
        return found.kept

    def many(self, vocabulary: Vocabulary, field_name: str, texts: Iterable[str]) -> list[str]:
        known = self._known.get(vocabulary.kind, {})
        return list(dict.fromkeys([known.get(t) or self._match(vocabulary, field_name, t) for t in texts]))

    def languages(self, field_name: str, items: Iterable[Any]) -> list[Any]:
        best: dict[str, Any] = {}
        for item in items:
            item.language = self.one(self.vocabularies.languages, field_name, item.language)
            kept = best.get(item.language)
            if kept is None or LANGUAGE_LEVELS.index(item.level) > LANGUAGE_LEVELS.index(kept.level):
                best[item.language] = item
        return list(best.values())

    def trainee(self, t: Trainee) -> Trainee:
        v = self.vocabularies
        t.home_town = self.one(v.towns, "home_town", t.home_town)
        t.extra_towns = self.many(v.towns, "extra_towns", t.extra_towns)
        t.languages = self.languages("languages", t.languages)
        t.skills = self.many(v.skills, "skills", t.skills)
        t.certifications = self.many(v.certifications, "certifications", t.certifications)
        t.driving_licences = list(dict.fromkeys(t.driving_licences))
        return t

    def vacancy(self, r: Vacancy) -> Vacancy:
        v = self.vocabularies
        r.town = self.one(v.towns, "town", r.town)
        r.required_certifications = self.many(v.certifications, "required_certifications", r.required_certifications)
        r.preferred_certifications = self.many(v.certifications, "preferred_certifications", r.preferred_certifications)
        r.required_skills = self.many(v.skills, "required_skills", r.required_skills)
        r.preferred_skills = self.many(v.skills, "preferred_skills", r.preferred_skills)
        r.required_languages = self.languages("required_languages", r.required_languages)
        self.minimum_wage(r.monthly_salary, r.salary_field)
        return r

    def minimum_wage(self, salary: int | None, field_name: str) -> None:
        """Warn about a salary below the country's minimum wage, in its currency: the vacancy stays valid, the employer
        is told."""
        pack = get_pack()
        if salary is not None and salary < pack.minimum_wage_month:
            message = (
                f"{pack.money(salary)} a month is below the minimum wage of {pack.name_en} "
                f"(SMIG, {pack.money(pack.minimum_wage_month)}); kept, check the amount"
            )
            self.issues.append(Issue(self.source, self.where, field_name, message, self.record_id, "warning"))


def normalise_records(
    records: Sequence[Trainee | Vacancy], *, source: str, wheres: Sequence[str], vocabularies: Vocabularies | None = None
) -> list[Issue]:
    """Map every record's towns, languages, skills and certifications to the taxonomy, in place."""
    normaliser = _Normaliser(vocabularies or get_vocabularies(), source)
    for record, where in zip(records, wheres, strict=True):
        normaliser.where, normaliser.record_id = where, record.id
        if isinstance(record, Trainee):
            normaliser.trainee(record)
        else:
            normaliser.vacancy(record)
    return normaliser.issues


# ---------------------------------------------------------------- whole files


def detect_format(path: str | Path) -> Literal["json", "csv"]:
    """Return the file's format from its name's extension (.json or .csv)."""
    suffix = Path(path).suffix.lower()
    if suffix not in {".json", ".csv"}:
        raise ExchangeError([Issue(str(path), "file", "", "must end in .json or .csv")])
    return "json" if suffix == ".json" else "csv"


def decode(data: bytes, *, source: str) -> tuple[str, list[Issue]]:
    """Return a file's bytes as text, or no text and the issue saying it is not UTF-8."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return "", [Issue(source, f"byte {exc.start}", "", "is not UTF-8 text; save the file as UTF-8")]


@dataclass
class Parsed(WithIssues, Generic[ModelT]):
    """A file's raw records, its valid records each with its location (row or index), and every issue found."""

    source: str
    fmt: Literal["json", "csv"]
    raw: list[RawRecord]
    located: list[tuple[str, ModelT]]
    issues: list[Issue]

    @property
    def records(self) -> list[ModelT]:
        """Return the valid records, in file order."""
        return [record for _, record in self.located]

    def result(self) -> LoadResult[Any]:
        """Return the file as a LoadResult: its records only when it has no error."""
        return LoadResult(records=self.records if self.ok else [], issues=self.issues)


def parse_located(text: str, *, kind: str, model: type[ModelT], source: str, fmt: Literal["json", "csv"]) -> Parsed[ModelT]:
    """Parse and validate the text of a file of `kind` records; normalise trainees and vacancies to the taxonomy."""
    with paused_gc():
        raw, issues = read_raw(text, source=source, fmt=fmt, kind=kind)
        located, errors = validate_located(raw, model=model, source=source, fmt=fmt)
        issues += errors + unknown_fields(raw, model=model, source=source)
        if issubclass(model, Trainee | Vacancy):
            wheres = {str(r.data.get("id", "")).strip(): r.where for r in raw}
            records: list[Any] = [record for _, record in located]
            issues += normalise_records(records, source=source, wheres=[wheres.get(r.id, "") for r in records])
    return Parsed(source, fmt, raw, located, issues)


def parse_text(text: str, *, kind: Kind, source: str, fmt: Literal["json", "csv"]) -> LoadResult[Any]:
    """Parse, validate and normalise the text of an exchange file."""
    model: type[Trainee | Vacancy] = MODELS[kind]
    return parse_located(text, kind=kind, model=model, source=source, fmt=fmt).result()


def file_text(path: Path) -> tuple[str | None, list[Issue]]:
    """Return a file's UTF-8 text, or None and the issue that stops it being read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Issue(str(path), "file", "", f"cannot be read: {exc.strerror}")]
    text, unreadable = decode(data, source=str(path))
    return (None, unreadable) if unreadable else (text, [])


def load_located(path: str | Path, *, kind: str, model: type[ModelT]) -> Parsed[ModelT]:
    """Read a JSON or CSV file (by extension) of `kind` records, keeping where each valid record is."""
    path = Path(path)
    fmt = detect_format(path)
    text, issues = file_text(path)
    if text is None:
        return Parsed(str(path), fmt, [], [], issues)
    return parse_located(text, kind=kind, model=model, source=str(path), fmt=fmt)


def load(path: str | Path, kind: Kind) -> LoadResult[Any]:
    """Read an exchange file (JSON or CSV, by extension) of trainees or vacancies."""
    model: type[Trainee | Vacancy] = MODELS[kind]
    return load_located(path, kind=kind, model=model).result()


def load_trainees(path: str | Path) -> LoadResult[Trainee]:
    """Read a trainees file."""
    return load(path, "trainees")


def load_vacancies(path: str | Path) -> LoadResult[Vacancy]:
    """Read a vacancies file."""
    return load(path, "vacancies")


def guess_kind(path: str | Path) -> Kind:
    """Guess whether a file holds trainees or vacancies from its content."""
    path = Path(path)
    fmt: Literal["json", "csv"] = "csv" if path.suffix.lower() == ".csv" else "json"
    return guess_kind_of_text(path.read_text("utf-8", errors="replace"), fmt=fmt)


def guess_kind_of_text(text: str, *, fmt: Literal["json", "csv"]) -> Kind:
    """Guess whether the text of a file holds trainees or vacancies."""
    text = text.removeprefix("\ufeff")
    if fmt == "csv":
        header = text.splitlines()[0] if text else ""
        return "vacancies" if "employer" in header else "trainees"
    stripped = text.lstrip()
    if stripped.startswith("{"):
        head = stripped[:200]
        if '"vacancies"' in head:
            return "vacancies"
        if '"trainees"' in head:
            return "trainees"
    return "vacancies" if '"employer"' in text[:5000] else "trainees"


# ---------------------------------------------------------------- writing


def to_json_text(records: Sequence[BaseModel], kind: str) -> str:
    """Return records as an exchange JSON document, an object whose key is the kind (`trainees`, `placements`…)."""
    rows = [r.model_dump(mode="json", exclude_none=True) for r in records]
    return json.dumps({kind: rows}, ensure_ascii=False, indent=2) + "\n"


def _csv_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in LANGUAGE_FIELDS:
        return "|".join(f"{v['language']}:{v['level']}" for v in value)
    if name == "experience":
        return "|".join(
            f"{_plain_number(e['years'])}:{e['sector']}:{e.get('country') or ''}:{e.get('title') or ''}" for e in value
        )
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _plain_number(value)
    return str(value)


def _plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _trainee_history(row: dict[str, Any], column: str) -> Any:
    return (row.get("training") or {}).get("completed") if column == "training_completed" else row.get(column)


def to_csv_text(records: Sequence[BaseModel], kind: Kind) -> str:
    """Return records as an exchange CSV document (comma-separated, UTF-8)."""
    return records_csv_text(records, MODELS[kind])


def records_csv_text(records: Sequence[BaseModel], model: type[BaseModel]) -> str:
    """Return records as CSV, a column per field of their model (a trainee's training as its own columns)."""
    trainees = issubclass(model, Trainee)
    rows = [r.model_dump(mode="json") for r in records]
    unused = {n for n in VACANCY_CURRENCY_COLUMNS if issubclass(model, Vacancy) and all(r.get(n) is None for r in rows)}
    names = [
        n for n in model.model_fields if n != "training" and not (trainees and n in TRAINEE_HISTORY_COLUMNS) and n not in unused
    ]
    modules = sorted({m for r in rows for m in ((r.get("training") or {}).get("modules") or {})})
    history = [c for c in TRAINEE_HISTORY_COLUMNS if trainees and any(_trainee_history(r, c) is not None for r in rows)]
    header = names + (
        ["training_cohort", "training_overall", *(MODULE_PREFIX + m for m in modules), *history] if trainees else []
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        training = row.get("training") or {}
        cells = [_csv_cell(n, row.get(n)) for n in names]
        if trainees:
            cells += [_csv_cell("", training.get("cohort")), _csv_cell("", training.get("overall"))]
            cells += [_csv_cell("", (training.get("modules") or {}).get(m)) for m in modules]
            cells += [_csv_cell("", _trainee_history(row, c)) for c in history]
        writer.writerow([neutralise(c) for c in cells])
    return out.getvalue()


def write(path: str | Path, records: Sequence[BaseModel], kind: Kind) -> None:
    """Write records to a JSON or CSV exchange file, by extension."""
    path = Path(path)
    text = to_json_text(records, kind) if detect_format(path) == "json" else to_csv_text(records, kind)
    write_text_private(path, text)
