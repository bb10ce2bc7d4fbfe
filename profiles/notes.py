"""The officers' notes and call log on a trainee: a written note, or a call with how it went (and what was said).

Each entry is audited (who, when, which trainee; the text itself stays in the note, so an erasure has one place to
clear). The entries belong to the trainee's personal data: the personal export lists them and the erasure clears their
text (web.privacy), keeping how many calls were made and when.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, select

from core import audit
from core.problems import Problem
from profiles.exceptions import InvalidNote
from profiles.models import CallOutcome, NoteKind, TraineeNote
from profiles.service import get_profile

#: The longest note kept (a few paragraphs, not a file).
NOTE_LENGTH = 2000


def check_note(typed: Mapping[str, str]) -> tuple[NoteKind, CallOutcome | None, str, list[Problem]]:
    """Return the kind, call outcome and text of a note form, and every problem (a note needs a text, a call an outcome)."""
    kind_text, outcome_text = str(typed.get("kind") or "note"), str(typed.get("outcome") or "")
    text = str(typed.get("text") or "").strip()
    problems: list[Problem] = []
    kind = NoteKind(kind_text) if kind_text in NoteKind.__members__ else None
    if kind is None:
        problems.append(Problem("kind", "invalid_choice"))
    outcome = CallOutcome(outcome_text) if outcome_text in CallOutcome.__members__ else None
    if kind == NoteKind.call and outcome is None:
        problems.append(Problem("outcome", "call_outcome_required"))
    if kind == NoteKind.note and not text:
        problems.append(Problem("text", "note_text_required"))
    if len(text) > NOTE_LENGTH:
        problems.append(Problem("text", "note_too_long", {"limit": str(NOTE_LENGTH)}))
    return kind or NoteKind.note, outcome if kind == NoteKind.call else None, text, problems


def add_note(*, session: Session, trainee_id: int, typed: Mapping[str, str], by: int | None) -> TraineeNote:
    """Record an officer's note or call on a trainee, audited; raise InvalidNote listing every problem."""
    profile = get_profile(session=session, profile_id=trainee_id)
    kind, outcome, text, problems = check_note(typed)
    if problems:
        raise InvalidNote(problems)
    note = TraineeNote(trainee_id=profile.id or 0, kind=kind.value, outcome=outcome.value if outcome else None, text=text,
                       author_id=by)  # fmt: skip
    session.add(note)
    session.flush()
    audit.record(session, actor_id=by, entity="trainee_note", entity_id=note.id, action=kind.value, trainee_id=profile.id,
                 cause=note.outcome)  # fmt: skip
    return note


def notes_of(*, session: Session, trainee_id: int) -> list[TraineeNote]:
    """Return a trainee's notes and calls, the newest first."""
    query = select(TraineeNote).where(TraineeNote.trainee_id == trainee_id)
    return list(session.exec(query.order_by(col(TraineeNote.at).desc(), col(TraineeNote.id).desc())))
