"""Follow-up after placement: each placement's follow-ups 1, 3, 6 and 12 months after its start, recorded by officers.

When. A follow-up of month M is due on start_date + M months (INDICATORS.md's arithmetic, profiles.indicators.
add_months: 2026-01-31 + 1 month = 2026-02-28). It is **due** from that day and **overdue** once ``GRACE_DAYS``
have passed; officers may record it from ``OPEN_DAYS_BEFORE`` days before the day (the week of the call). As
INDICATORS.md's ``followups_due`` counts every (placement, M) with start + M ≤ as_of whatever the end, the
programme follows the person for twelve months after each placement's start even when the job ended: an ended
placement keeps its follow-ups.

What. An officer records, once: the day, whether the person was reached and how (call, visit, SMS), their
employment and salary when reached, and the reintegration questionnaire (employers.questionnaire), whose answers
give the three dimension scores. The fields are checked by the history's follow-up record (profiles.history.
FollowUp), the one place of its rules. The company answers for each due follow-up "still employed" or "left on
<day> for <reason>" (an EmploymentConfirmation, which it may correct until the officer records the follow-up): the
answer prefills the officer's form and never ends the placement by itself.

Before each follow-up, ``remind_trainees`` (run by ``rdvm jobs``) writes the trainee an SMS through the outbox,
``REMINDER_DAYS_BEFORE`` days before the due day, once per placement and month (a FollowUpReminder row, unique).

Functions flush, never commit; every change writes an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core import audit
from core.clock import utcnow
from core.formats import day
from core.problems import Problem
from employers import offers, outbox, questionnaire
from employers.exceptions import (
    ActionNotAllowed,
    FollowUpNotDue,
    FollowUpNotFound,
    FollowUpRecorded,
    InvalidConfirmation,
    InvalidEnding,
    InvalidFollowUp,
)
from employers.lifecycle import Actor, Party
from employers.models import (
    ContactChannel,
    Employment,
    EmploymentConfirmation,
    EndReason,
    FollowUp,
    FollowUpReminder,
    Placement,
)
from profiles.forms import typed_number
from profiles.history import FOLLOW_UP_MONTHS
from profiles.history import FollowUp as FollowUpRecord
from profiles.indicators import add_months
from profiles.models import TraineeProfile

#: Days after its due day a follow-up not recorded is overdue (README, "Follow-up after placement").
GRACE_DAYS = 14
#: Days before its due day a follow-up may be recorded (the call may come in the days before).
OPEN_DAYS_BEFORE = 7
#: Days before its due day the trainee is sent the SMS announcing the call.
REMINDER_DAYS_BEFORE = 3
#: The fields of the officer's follow-up form (plus one per question of the questionnaire).
FIELDS = ("done_on", "reached", "channel", "employment", "salary_fcfa_month", "note")

Status = Literal["upcoming", "due", "overdue", "done"]
#: Every status, in the order of a follow-up's life.
STATUSES: tuple[Status, ...] = ("upcoming", "due", "overdue", "done")


def due_on(start: date, month: int) -> date:
    """Return the day a follow-up of `month` months after a placement's start falls due."""
    return add_months(start, month)


def status(due: date, today: date, *, recorded: bool = False) -> Status:
    """Return where a follow-up stands on a day: done, upcoming (before its day), due, or overdue (after the grace period)."""
    if recorded:
        return "done"
    if today < due:
        return "upcoming"
    return "due" if today <= due + timedelta(days=GRACE_DAYS) else "overdue"


@dataclass(frozen=True)
class Item:
    """One follow-up of a placement: its month, due day and status, the trainee, the record and the company's answer."""

    placement: Placement
    trainee: TraineeProfile
    month: int
    due: date
    status: Status
    record: FollowUp | None = None
    confirmation: EmploymentConfirmation | None = None

    @property
    def company_says_left(self) -> bool:
        """Return whether the company answered that the person left."""
        return self.confirmation is not None and not self.confirmation.still_employed


# ---------------------------------------------------------------- reading


def open_items(*, session: Session, today: date) -> list[Item]:
    """Return the follow-ups fallen due and not recorded (due or overdue), the earliest due first."""
    placements = session.exec(select(Placement, TraineeProfile).join(TraineeProfile).where(Placement.start_date <= today))
    recorded = set(session.exec(select(FollowUp.placement_id, FollowUp.month)).all())
    confirmations = _confirmations(session, None)
    items = [
        Item(p, trainee, month, due, status(due, today), confirmation=confirmations.get((p.id or 0, month)))
        for p, trainee in placements
        for month in FOLLOW_UP_MONTHS
        if (due := due_on(p.start_date, month)) <= today and (p.id, month) not in recorded
    ]
    return sorted(items, key=lambda i: (i.due, i.placement.id or 0, i.month))


def placement_items(*, session: Session, placement: Placement, today: date) -> list[Item]:
    """Return the four follow-ups of one placement, with their records and the company's answers."""
    trainee = session.get(TraineeProfile, placement.trainee_id)
    assert trainee is not None  # a foreign key
    records = {f.month: f for f in session.exec(select(FollowUp).where(FollowUp.placement_id == placement.id))}
    confirmations = _confirmations(session, placement.id)
    dues = {month: due_on(placement.start_date, month) for month in FOLLOW_UP_MONTHS}
    return [Item(placement, trainee, month, due, status(due, today, recorded=month in records), records.get(month),
                 confirmations.get((placement.id or 0, month))) for month, due in dues.items()]  # fmt: skip


def get_item(*, session: Session, placement_id: int, month: int, by: Actor, today: date) -> Item:
    """Return one follow-up of a placement the user may see; FollowUpNotFound for a month other than 1, 3, 6, 12."""
    if month not in FOLLOW_UP_MONTHS:
        raise FollowUpNotFound(f"placement {placement_id}, month {month}")
    placement = offers.get_placement(session=session, placement_id=placement_id, by=by)
    return next(i for i in placement_items(session=session, placement=placement, today=today) if i.month == month)


def by_placement(
    *, session: Session, placements: Iterable[Placement], today: date, statuses: Iterable[Status] = ("due", "overdue")
) -> dict[int, list[Item]]:
    """Return, by placement, its follow-ups in these statuses (by default those fallen due and not recorded, on which
    its company may answer, again if it did)."""
    wanted = set(statuses)
    return {p.id or 0: [i for i in placement_items(session=session, placement=p, today=today) if i.status in wanted]
            for p in placements}  # fmt: skip


def _confirmations(session: Session, placement_id: int | None) -> dict[tuple[int, int], EmploymentConfirmation]:
    query = select(EmploymentConfirmation)
    if placement_id is not None:
        query = query.where(EmploymentConfirmation.placement_id == placement_id)
    return {(c.placement_id, c.month): c for c in session.exec(query)}


# ---------------------------------------------------------------- the officer's record


def record_follow_up(
    *, session: Session, placement_id: int, month: int, by: Actor, typed: Mapping[str, str], today: date | None = None
) -> FollowUp:
    """Record a follow-up (officers), once; raise InvalidFollowUp listing every problem of the form."""
    today = today or utcnow().date()
    item = _open_item(session, placement_id, month, by, Party.officer, today, opens=OPEN_DAYS_BEFORE)
    row = _checked(item, typed, today)
    row.recorded_by = by.account()
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as exc:  # a racing request recorded it first
        raise FollowUpRecorded(f"placement {placement_id}, month {month}") from exc
    audit.record(session, actor_id=by.account(), entity="follow_up", entity_id=row.id, action="record",
                 trainee_id=item.placement.trainee_id, vacancy_id=item.placement.vacancy_id,
                 employer_id=item.placement.employer_id,
                 details={"placement": item.placement.code, "month": month, "reached": row.reached,
                          "channel": row.channel.value if row.channel else None,
                          "employment": row.employment.value if row.employment else None, "economic": row.economic,
                          "social": row.social, "psychosocial": row.psychosocial})  # fmt: skip
    return row


def _open_item(session: Session, placement_id: int, month: int, by: Actor, party: Party, today: date, *,
               opens: int) -> Item:  # fmt: skip
    """Return a follow-up the party may act on: not recorded yet, and from `opens` days before its due day."""
    if by.party != party:
        raise ActionNotAllowed("answer", by.party.value, "a follow-up")
    item = get_item(session=session, placement_id=placement_id, month=month, by=by, today=today)
    if item.record is not None:
        raise FollowUpRecorded(f"placement {placement_id}, month {month}")
    if today < item.due - timedelta(days=opens):
        raise FollowUpNotDue(f"placement {placement_id}, month {month} falls due on {item.due}")
    return item


def _checked(item: Item, typed: Mapping[str, str], today: date) -> FollowUp:
    """Return the follow-up the form describes, or raise InvalidFollowUp with every problem."""
    text = {name: str(typed.get(name) or "").strip() for name in FIELDS}
    survey = questionnaire.get_questionnaire()
    answers = {q.id: str(typed.get(q.field) or "").strip() for q in survey.questions}
    answers = {key: value for key, value in answers.items() if value}
    reached = {"yes": True, "no": False}.get(text["reached"])
    problems = _form_problems(text, reached, answers, survey)
    scores = questionnaire.scores(survey, answers)
    record = {"placement_id": item.placement.code, "month": item.month, "done_on": text["done_on"] or None,
              "reached": reached, "employment": text["employment"] or None,
              "salary_fcfa_month": typed_number(text["salary_fcfa_month"]), **scores}  # fmt: skip
    try:
        FollowUpRecord.model_validate(record)
    except ValidationError as invalid:
        problems += [_problem(e) for e in invalid.errors(include_url=False) if e["loc"] and e["loc"][0] != "reached"]
    if not any(p.field == "done_on" for p in problems):
        problems += _day_problems(date.fromisoformat(text["done_on"]), item.placement.start_date, today)
    if problems:
        raise InvalidFollowUp(_first_per_field(problems))
    salary = typed_number(text["salary_fcfa_month"])
    return FollowUp(placement_id=item.placement.id or 0, month=item.month, done_on=date.fromisoformat(text["done_on"]),
                    reached=bool(reached), channel=ContactChannel(text["channel"]),
                    employment=Employment(text["employment"]) if text["employment"] else None,
                    salary_fcfa_month=int(salary) if salary is not None else None, economic=scores["economic"],
                    social=scores["social"], psychosocial=scores["psychosocial"], answers=answers or None,
                    note=text["note"] or None)  # fmt: skip


def _form_problems(
    text: Mapping[str, str], reached: bool | None, answers: Mapping[str, str], survey: questionnaire.Questionnaire
) -> list[Problem]:
    """Return the problems of the fields the history's record does not hold: reached, channel, the answers."""
    problems = []
    if reached is None:
        problems.append(Problem("reached", "field_required" if not text["reached"] else "field_choice"))
    if text["channel"] not in ContactChannel.__members__:
        problems.append(Problem("channel", "field_required" if not text["channel"] else "field_choice"))
    if reached is False:
        unwanted = [q.field for q in survey.questions if q.id in answers]
        unwanted += ["salary_fcfa_month"] if text["salary_fcfa_month"] else []
        problems += [Problem(name, "only_when_reached") for name in unwanted]
    return problems + questionnaire.check_answers(survey, answers)


def _problem(error: ErrorDetails) -> Problem:
    """Turn an error of the history's follow-up record into a form problem."""
    field, kind = str(error["loc"][0]), error["type"]
    if field == "employment" and kind == "value_error":
        return Problem(field, "field_required" if "required" in error["msg"] else "only_when_reached")
    if field == "done_on":
        return Problem(field, "field_required" if error.get("input") is None else "field_date")
    if kind in ("literal_error", "enum"):
        return Problem(field, "field_choice")
    if kind == "greater_than_equal":
        return Problem(field, "field_at_least", {"limit": "0"})
    return Problem(field, "field_whole_number" if kind.startswith("int") else "field_invalid")


def _day_problems(done: date, start: date, today: date) -> list[Problem]:
    if done < start:
        return [Problem("done_on", "done_before_start", {"start": day(start)})]
    return [Problem("done_on", "date_in_future")] if done > today else []


def _first_per_field(problems: Iterable[Problem]) -> list[Problem]:
    seen: dict[str, Problem] = {}
    for problem in problems:
        seen.setdefault(problem.field, problem)
    return list(seen.values())


def prefill(item: Item, today: date) -> dict[str, str]:
    """Return the officer's form as it opens: today's date, and the same employer when the company says still employed.

    A company's "left" answer prefills nothing the officer must ask the person: the page shows it beside the form.
    """
    typed = dict.fromkeys(FIELDS, "") | {"done_on": today.isoformat()}
    if item.confirmation is not None and item.confirmation.still_employed:
        typed["employment"] = "same_employer"
    return typed


# ---------------------------------------------------------------- the company's answer


def confirm_employment(
    *, session: Session, placement_id: int, month: int, by: Actor, still_employed: bool | None,
    left_on: date | str | None = None, left_reason: str | None = None, today: date | None = None,
) -> EmploymentConfirmation:  # fmt: skip
    """Record the company's answer for a follow-up fallen due: still employed, or left on a day for a reason.

    The company may correct its answer until the officer records the follow-up. A "left" answer does not end
    the placement: it prefills the officer's follow-up, and the officer (or the company, with the placement's
    own form) ends the placement.
    """
    today = today or utcnow().date()
    item = _open_item(session, placement_id, month, by, Party.employer, today, opens=0)
    left_day, reason = _left(item.placement, still_employed, left_on, left_reason, today)
    answer: dict[str, Any] = {"still_employed": bool(still_employed), "left_on": left_day, "left_reason": reason,
                              "confirmed_by": by.account(), "confirmed_at": utcnow()}  # fmt: skip
    row = item.confirmation
    if row is None:
        try:
            with session.begin_nested():  # the (placement, month) unique constraint: a racing answer may come first
                row = EmploymentConfirmation(placement_id=placement_id, month=month, **answer)
                session.add(row)
        except IntegrityError:
            row = session.exec(select(EmploymentConfirmation).where(EmploymentConfirmation.placement_id == placement_id,
                                                                    EmploymentConfirmation.month == month)).one()  # fmt: skip
    for name, value in answer.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=by.account(), entity="employment", entity_id=row.id, action="confirm",
                 trainee_id=item.placement.trainee_id, vacancy_id=item.placement.vacancy_id,
                 employer_id=item.placement.employer_id,
                 details={"placement": item.placement.code, "month": month, "still_employed": row.still_employed,
                          "left_on": left_day.isoformat() if left_day else None,
                          "left_reason": reason.value if reason else None})  # fmt: skip
    return row


def _left(placement: Placement, still_employed: bool | None, left_on: date | str | None, left_reason: str | None,
          today: date) -> tuple[date | None, EndReason | None]:  # fmt: skip
    """Return the day and reason of a "left" answer (checked as a placement's end is), nothing for "still employed"."""
    if still_employed is None:
        raise InvalidConfirmation([Problem("still_employed", "field_required")])
    if still_employed:
        return None, None
    try:
        return offers.check_ending(placement, end_date=left_on, reason=left_reason, today=today)
    except InvalidEnding as invalid:
        names = {"end_date": "left_on", "end_reason": "left_reason"}
        raise InvalidConfirmation([Problem(names[p.field], p.code, p.values) for p in invalid.problems]) from invalid


# ---------------------------------------------------------------- the SMS before each follow-up


def remind_trainees(*, session: Session, today: date, office_phone: str = "") -> list[tuple[int, int]]:
    """Write the SMS announcing each follow-up call to its trainee, once, in the days before its due day.

    A follow-up is announced from REMINDER_DAYS_BEFORE days before its day until the day itself, unless it is
    already recorded; a run that missed that window announces nothing. Return the (placement id, month) announced.
    """
    since = add_months(today, -max(FOLLOW_UP_MONTHS))
    rows = session.exec(select(Placement, TraineeProfile).join(TraineeProfile)
                        .where(Placement.start_date <= today, Placement.start_date >= since - timedelta(days=31)))  # fmt: skip
    done = set(session.exec(select(FollowUp.placement_id, FollowUp.month)).all())
    done |= set(session.exec(select(FollowUpReminder.placement_id, FollowUpReminder.month)).all())
    announced = []
    for placement, trainee in rows:
        for month in FOLLOW_UP_MONTHS:
            due = due_on(placement.start_date, month)
            window = today <= due <= today + timedelta(days=REMINDER_DAYS_BEFORE)
            if window and (placement.id, month) not in done and _remind(session, placement, trainee, month, office_phone):
                announced.append((placement.id or 0, month))
    return announced


def _remind(session: Session, placement: Placement, trainee: TraineeProfile, month: int, office_phone: str) -> bool:
    """Write one reminder and its SMS in a savepoint; False when a racing run wrote it first."""
    try:
        with session.begin_nested():
            reminder = FollowUpReminder(placement_id=placement.id or 0, month=month)
            session.add(reminder)
            session.flush()
            if trainee.phone:
                lang = trainee.message_language or "fr"
                key = "follow_up_call_phone.trainee" if office_phone else "follow_up_call.trainee"
                values = {"name": trainee.full_name, "employer": placement.employer_name, "office_phone": office_phone,
                          "due": day(due_on(placement.start_date, month), lang), "month": str(month)}  # fmt: skip
                message = outbox.queue(session=session, key=key, recipient=outbox.Recipient(phone=trainee.phone, lang=lang),
                                       values=values, offer_id=placement.offer_id)  # fmt: skip
                session.flush()
                reminder.message_id = message.id
    except IntegrityError:
        return False
    audit.record(session, actor_id=None, entity="follow_up", entity_id=None, action="remind", trainee_id=placement.trainee_id,
                 vacancy_id=placement.vacancy_id, employer_id=placement.employer_id,
                 details={"placement": placement.code, "month": month, "sms": reminder.message_id is not None})  # fmt: skip
    return True
