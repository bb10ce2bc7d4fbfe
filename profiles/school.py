"""What the training school records: attendance per day or session, module grades, certifications awarded, and
whether a trainee completed the training. One function per change (session first, keyword-only; they flush).

What changes a trainee's exchange record feeds the matching at once: module grades (and the overall grade
computed from them, profiles.grades) and certifications awarded (added to the profile's certifications) stamp
the profile's `updated_at`, the key of the employers' cached candidate lists. Typed values are checked here,
each problem on its form field: `day`, `session`, `grade_<i>` (the cohort's i-th module), `code`,
`awarded_on`, `certificate_number`.

Attendance and awards are written with one INSERT … ON CONFLICT UPDATE (SQLite and PostgreSQL both have it):
two trainers saving the same session at once both succeed, the last one's answer kept.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from core import audit
from core.clock import utcnow
from core.problems import Problem
from matching.taxonomy import get_taxonomy
from profiles import grades
from profiles.exceptions import InvalidSchoolRecord
from profiles.forms import typed_number
from profiles.models import Attendance, CertificationAward, Cohort, TraineeProfile
from profiles.service import record_trainee_change

MAX_SESSION_LABEL = 40
MAX_CERTIFICATE_NUMBER = 64


def _day(typed: Any, name: str, *, today: date, problems: list[Problem]) -> date | None:
    """Return a typed day (YYYY-MM-DD), or None with its problem: missing, not a date, or in the future."""
    text = str(typed or "").strip()
    if not text:
        problems.append(Problem(name, "field_required"))
        return None
    try:
        found = date.fromisoformat(text)
    except ValueError:
        problems.append(Problem(name, "field_date"))
        return None
    if found > today:
        problems.append(Problem(name, "date_in_future"))
        return None
    return found


def _refuse(problems: Sequence[Problem]) -> None:
    if problems:
        raise InvalidSchoolRecord(problems)


def _upsert(session: Session, model: type[Attendance] | type[CertificationAward], rows: list[dict[str, Any]],
            keys: Sequence[str]) -> None:  # fmt: skip
    """Insert the rows, or update those whose keys exist (one statement, race-free on both databases)."""
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(rows)
    changed = {name: statement.excluded[name] for name in rows[0] if name not in keys}
    session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changed))
    session.flush()


# ---------------------------------------------------------------- attendance


@dataclass(frozen=True)
class SessionSheet:
    """One day's (or session's) register of a cohort: who is listed, who was present, and whether it was recorded."""

    day: date
    label: str
    present: frozenset[int]
    listed: tuple[TraineeProfile, ...]
    recorded: bool = False


def register_trainees(trainees: Iterable[TraineeProfile], on: date) -> list[TraineeProfile]:
    """Return the trainees a register lists on a day: those who had not left the programme by then."""
    return [p for p in trainees if p.dropped_out_on is None or p.dropped_out_on > on]


def record_attendance(*, session: Session, cohort: Cohort, trainees: Sequence[TraineeProfile], day: str, label: str,
                      present: Collection[int], today: date, by: int | None) -> SessionSheet:  # fmt: skip
    """Record who of the cohort's trainees was present on a day's session (the others absent); return the sheet.

    The day is a real day, not in the future, and within the cohort's training when its dates are known.
    """
    problems: list[Problem] = []
    on = _day(day, "day", today=today, problems=problems)
    label = " ".join(label.split())
    if len(label) > MAX_SESSION_LABEL:
        problems.append(Problem("session", "field_too_long", {"limit": str(MAX_SESSION_LABEL)}))
    if on is not None and not _during_training(cohort, on):
        problems.append(Problem("day", "day_outside_training"))
    _refuse(problems)
    assert on is not None
    listed = register_trainees(trainees, on)
    now = utcnow()
    rows = [{"trainee_id": p.id, "day": on, "session": label, "present": p.id in present, "recorded_by": by,
             "recorded_at": now} for p in listed]  # fmt: skip
    _upsert(session, Attendance, rows, ("trainee_id", "day", "session"))
    attended = sum(1 for row in rows if row["present"])
    audit.record(session, actor_id=by, entity="cohort", entity_id=cohort.id, action="attendance",
                 details={"day": str(on), "session": label, "present": attended, "absent": len(rows) - attended})  # fmt: skip
    return SessionSheet(on, label, frozenset(p.id or 0 for p in listed if p.id in present), tuple(listed), recorded=True)


def _during_training(cohort: Cohort, on: date) -> bool:
    return (cohort.training_start is None or cohort.training_start <= on) and (
        cohort.training_end is None or on <= cohort.training_end
    )


def session_sheet(*, session: Session, trainees: Sequence[TraineeProfile], day: date, label: str) -> SessionSheet:
    """Return the register of one session as recorded (nobody present, and not `recorded`, when nothing is recorded yet)."""
    listed = register_trainees(trainees, day)
    ids = [p.id for p in listed]
    query = select(Attendance.trainee_id, Attendance.present).where(
        col(Attendance.trainee_id).in_(ids), Attendance.day == day, Attendance.session == label
    )
    rows = session.exec(query).all()
    return SessionSheet(day, label, frozenset(i for i, present in rows if present), tuple(listed), recorded=bool(rows))


@dataclass(frozen=True)
class SessionCount:
    """A session recorded for a cohort: its day and label, how many were present out of how many listed."""

    day: date
    label: str
    present: int
    listed: int


def sessions_recorded(*, session: Session, trainee_ids: Collection[int]) -> list[SessionCount]:
    """Return the sessions recorded for these trainees, newest first."""
    if not trainee_ids:
        return []
    present = func.sum(case((col(Attendance.present), 1), else_=0))
    query = (
        select(col(Attendance.day), col(Attendance.session), present, func.count())
        .where(col(Attendance.trainee_id).in_(trainee_ids))
        .group_by(col(Attendance.day), col(Attendance.session))
        .order_by(col(Attendance.day).desc(), col(Attendance.session))
    )
    return [SessionCount(day, label, int(n_present or 0), int(n)) for day, label, n_present, n in session.exec(query)]


@dataclass(frozen=True)
class Presence:
    """How many recorded sessions a trainee attended, out of how many."""

    present: int
    recorded: int

    @property
    def rate(self) -> float | None:
        """Return the share of sessions attended (None when none is recorded)."""
        return self.present / self.recorded if self.recorded else None


def presence(*, session: Session, trainee_ids: Collection[int]) -> dict[int, Presence]:
    """Return each trainee's attendance (only trainees with something recorded)."""
    if not trainee_ids:
        return {}
    present = func.sum(case((col(Attendance.present), 1), else_=0))
    query = (
        select(Attendance.trainee_id, present, func.count())
        .where(col(Attendance.trainee_id).in_(trainee_ids))
        .group_by(col(Attendance.trainee_id))
    )
    return {trainee_id: Presence(int(n_present or 0), int(n)) for trainee_id, n_present, n in session.exec(query)}


def attendance_of(*, session: Session, trainee_id: int) -> list[Attendance]:
    """Return a trainee's attendance records, newest first."""
    query = select(Attendance).where(Attendance.trainee_id == trainee_id)
    return list(session.exec(query.order_by(col(Attendance.day).desc(), col(Attendance.session))))


# ---------------------------------------------------------------- module grades


def record_grades(
    *, session: Session, profile: TraineeProfile, cohort: Cohort, typed: Mapping[str, str], by: int | None = None
) -> TraineeProfile:
    """Set the trainee's grades (0–20) in the cohort's modules, `typed["grade_<i>"]` for the i-th; empty removes a grade.

    Grades of modules the cohort does not list (from an import) are kept. The overall grade follows (profiles.grades).
    """
    modules = list(cohort.weights)
    problems: list[Problem] = []
    given: dict[str, float | None] = {}
    for i, name in enumerate(modules):
        number = typed_number(str(typed.get(f"grade_{i}") or ""))
        given[name] = _grade(number, f"grade_{i}", problems)
    _refuse(problems)
    training = grades.training_of(profile)
    kept = {name: grade for name, grade in training["modules"].items() if name not in given}
    training["modules"] = kept | {name: grade for name, grade in given.items() if grade is not None}
    grades.save_training(profile, training)
    grades.refresh_overall(profile, cohort.weights)
    session.add(profile)
    session.flush()
    record_trainee_change(session, profile, "grades", by=by, details={"cohort": cohort.code, "grades": given})
    return profile


def _grade(number: str | None, name: str, problems: list[Problem]) -> float | None:
    if number is None:
        return None
    try:
        grade = float(number)
    except ValueError:
        problems.append(Problem(name, "field_number"))
        return None
    if not 0 <= grade <= 20:
        problems.append(Problem(name, "grade_range"))
        return None
    return grade


# ---------------------------------------------------------------- certifications and completion


def award_certification(*, session: Session, profile: TraineeProfile, typed: Mapping[str, str], today: date,
                        by: int | None) -> CertificationAward:  # fmt: skip
    """Record a certification awarded (taxonomy code, day, certificate number), and count it among the trainee's own.

    Awarding the same certification again corrects its day and number.
    """
    problems: list[Problem] = []
    code = str(typed.get("code") or "").strip()
    if code not in {c.code for c in get_taxonomy().certifications}:
        problems.append(Problem("code", "field_required" if not code else "field_choice"))
    awarded_on = _day(typed.get("awarded_on"), "awarded_on", today=today, problems=problems)
    number = " ".join(str(typed.get("certificate_number") or "").split())
    if not number:
        problems.append(Problem("certificate_number", "field_required"))
    elif len(number) > MAX_CERTIFICATE_NUMBER:
        problems.append(Problem("certificate_number", "field_too_long", {"limit": str(MAX_CERTIFICATE_NUMBER)}))
    _refuse(problems)
    row = {"trainee_id": profile.id, "code": code, "awarded_on": awarded_on, "certificate_number": number,
           "recorded_by": by, "recorded_at": utcnow()}  # fmt: skip
    _upsert(session, CertificationAward, [row], ("trainee_id", "code"))
    if code not in profile.certifications:
        profile.certifications = [*profile.certifications, code]
        profile.updated_at = utcnow()
        session.add(profile)
        session.flush()
    details = {"code": code, "awarded_on": str(awarded_on), "certificate_number": number}
    record_trainee_change(session, profile, "certification", by=by, details=details)
    query = select(CertificationAward).where(CertificationAward.trainee_id == profile.id, CertificationAward.code == code)
    return session.exec(query.execution_options(populate_existing=True)).one()


def awards_of(*, session: Session, trainee_ids: Collection[int]) -> dict[int, list[CertificationAward]]:
    """Return the certifications awarded to these trainees, by trainee, each list by day."""
    found: dict[int, list[CertificationAward]] = {}
    if not trainee_ids:
        return found
    query = select(CertificationAward).where(col(CertificationAward.trainee_id).in_(trainee_ids))
    for award in session.exec(query.order_by(col(CertificationAward.awarded_on), col(CertificationAward.code))):
        found.setdefault(award.trainee_id, []).append(award)
    return found


COMPLETION = {"yes": True, "no": False, "": None}


def set_completed(*, session: Session, profile: TraineeProfile, completed: bool | None, by: int | None = None) -> TraineeProfile:
    """Record whether the trainee completed the training (None: not known yet); the same answer again changes nothing."""
    training = grades.training_of(profile)
    if training.get("completed") is not completed or profile.training is None:
        grades.save_training(profile, {**training, "completed": completed})
        session.add(profile)
        session.flush()
        record_trainee_change(session, profile, "training_completed", by=by, details={"completed": completed})
    return profile
