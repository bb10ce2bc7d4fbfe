"""Follow-ups after placement: due days (month-end arithmetic), due and overdue, the officer's record, the company's
answer and the SMS before each call — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from core.audit import AuditEvent
from employers import dashboard, followups, notices, offers
from employers.exceptions import (
    ActionNotAllowed,
    FollowUpNotDue,
    FollowUpNotFound,
    FollowUpRecorded,
    InvalidConfirmation,
    InvalidFollowUp,
    PlacementNotFound,
)
from employers.followups import GRACE_DAYS, due_on, status
from employers.lifecycle import Actor, Party
from employers.models import EndReason, FollowUpReminder, OutboxMessage, Placement
from tests.employers.factories import account
from tests.employers.test_placement_end import hired
from tests.web.factories import employer
from web.auth.models import Role

START = date(2026, 1, 31)
#: Every answer of the questionnaire, the best one.
BEST = {"q_economic_satisfaction": "very_satisfied", "q_economic_food": "never", "q_economic_borrow": "yes",
        "q_economic_debt": "no", "q_social_housing": "good", "q_social_health": "always", "q_social_documents": "yes",
        "q_psychosocial_support": "yes", "q_psychosocial_activities": "often", "q_psychosocial_discrimination": "never",
        "q_psychosocial_distress": "never"}  # fmt: skip
REACHED = {"done_on": "2026-03-02", "reached": "yes", "channel": "call", "employment": "same_employer",
           "salary_fcfa_month": "65 000", "note": "  va bien  "}  # fmt: skip


class TestDueDays:
    @pytest.mark.parametrize(
        ("start", "month", "due"),
        [
            (date(2026, 1, 31), 1, date(2026, 2, 28)),
            (date(2026, 1, 31), 3, date(2026, 4, 30)),
            (date(2026, 1, 31), 6, date(2026, 7, 31)),
            (date(2026, 1, 31), 12, date(2027, 1, 31)),
            (date(2027, 11, 30), 3, date(2028, 2, 29)),
            (date(2026, 3, 15), 12, date(2027, 3, 15)),
        ],
    )
    def test_months_are_added_as_indicators_md_says(self, start: date, month: int, due: date) -> None:
        assert due_on(start, month) == due

    def test_a_follow_up_is_due_from_its_day_and_overdue_after_the_grace_period(self) -> None:
        due = date(2026, 2, 28)
        assert status(due, due - timedelta(days=1)) == "upcoming"
        assert [status(due, due + timedelta(days=n)) for n in (0, GRACE_DAYS, GRACE_DAYS + 1)] == ["due", "due", "overdue"]
        assert status(due, due + timedelta(days=400), recorded=True) == "done"


class TestOpenItems:
    def test_due_and_overdue_items_with_month_end_arithmetic(self, session: Session) -> None:
        placement, _, _ = hired(session, start=START)
        on = date(2026, 3, 14)  # month 1 fell due on 28/02: 14 days ago, still due
        assert [(i.month, i.due, i.status) for i in followups.open_items(session=session, today=on)] == [
            (1, date(2026, 2, 28), "due")]  # fmt: skip
        assert [i.status for i in followups.open_items(session=session, today=on + timedelta(days=1))] == ["overdue"]
        later = followups.open_items(session=session, today=date(2027, 2, 1))
        assert [(i.month, i.status) for i in later] == [(1, "overdue"), (3, "overdue"), (6, "overdue"), (12, "due")]
        assert all(i.placement.id == placement.id for i in later)

    def test_an_ended_placement_keeps_its_follow_ups_and_a_recorded_one_leaves_the_list(self, session: Session) -> None:
        placement, boss, officer = hired(session, start=START)
        offers.end_placement(session=session, placement_id=placement.id or 0, by=boss.actor, end_date=date(2026, 2, 10),
                             reason="resigned", today=date(2026, 3, 1))  # fmt: skip
        on = date(2026, 8, 1)
        assert [i.month for i in followups.open_items(session=session, today=on)] == [1, 3, 6]
        followups.record_follow_up(session=session, placement_id=placement.id or 0, month=3, by=officer.actor, today=on,
                                   typed={"done_on": "2026-05-02", "reached": "no", "channel": "sms"})  # fmt: skip
        assert [i.month for i in followups.open_items(session=session, today=on)] == [1, 6]


class TestRecord:
    def test_a_follow_up_is_recorded_once_with_its_scores_and_audited(self, session: Session) -> None:
        placement, _, officer = hired(session, start=START)
        typed = {**REACHED, **BEST, "q_psychosocial_distress": "often"}
        row = followups.record_follow_up(session=session, placement_id=placement.id or 0, month=1, by=officer.actor,
                                         typed=typed, today=date(2026, 3, 2))  # fmt: skip
        session.commit()
        assert (row.done_on, row.reached, row.channel, row.employment, row.salary_fcfa_month, row.note) == (
            date(2026, 3, 2), True, "call", "same_employer", 65_000, "va bien")  # fmt: skip
        assert (row.economic, row.social, row.psychosocial) == (1.0, 1.0, 0.75)
        assert row.answers is not None and row.answers["psychosocial_distress"] == "often" and len(row.answers) == 11
        event = session.exec(select(AuditEvent).where(AuditEvent.entity == "follow_up")).one()
        assert (event.action, event.entity_id, event.actor_id, event.trainee_id) == ("record", row.id, officer.id,
                                                                                     placement.trainee_id)  # fmt: skip
        assert event.details is not None and event.details["month"] == 1 and event.details["psychosocial"] == 0.75
        with pytest.raises(FollowUpRecorded):
            followups.record_follow_up(session=session, placement_id=placement.id or 0, month=1, by=officer.actor,
                                       typed=typed, today=date(2026, 3, 2))  # fmt: skip

    def test_a_half_answered_dimension_has_no_score(self, session: Session) -> None:
        placement, _, officer = hired(session, start=START)
        typed = {**REACHED, "q_social_housing": "bad", "q_social_health": "sometimes", "q_social_documents": "yes"}
        row = followups.record_follow_up(session=session, placement_id=placement.id or 0, month=1, by=officer.actor,
                                         typed={**typed, "q_economic_food": "often"}, today=date(2026, 3, 2))  # fmt: skip
        assert (row.economic, row.social, row.psychosocial) == (None, 0.5, None)

    @pytest.mark.parametrize(
        ("changes", "expected"),
        [
            ({"reached": "", "channel": "fax"}, [("reached", "field_required"), ("channel", "field_choice")]),
            ({"employment": ""}, [("employment", "field_required")]),
            ({"employment": "farmer"}, [("employment", "field_choice")]),
            ({"reached": "no"}, [("salary_fcfa_month", "only_when_reached"), ("employment", "only_when_reached")]),
            ({"reached": "no", "salary_fcfa_month": "", "employment": "", "q_social_housing": "good"},
             [("q_social_housing", "only_when_reached")]),
            ({"q_social_housing": "palace"}, [("q_social_housing", "field_choice")]),
            ({"done_on": "2026-01-30"}, [("done_on", "done_before_start")]),
            ({"done_on": "2026-03-03"}, [("done_on", "date_in_future")]),
            ({"done_on": "02/03/2026"}, [("done_on", "field_date")]),
            ({"done_on": ""}, [("done_on", "field_required")]),
            ({"salary_fcfa_month": "-5"}, [("salary_fcfa_month", "field_at_least")]),
            ({"salary_fcfa_month": "beaucoup"}, [("salary_fcfa_month", "field_whole_number")]),
        ],
    )  # fmt: skip
    def test_every_wrong_field_is_named_and_nothing_is_written(
        self, session: Session, changes: dict[str, str], expected: list[tuple[str, str]]
    ) -> None:
        placement, _, officer = hired(session, start=START)
        with pytest.raises(InvalidFollowUp) as refused:
            followups.record_follow_up(session=session, placement_id=placement.id or 0, month=1, by=officer.actor,
                                       typed={**REACHED, **changes}, today=date(2026, 3, 2))  # fmt: skip
        assert sorted((p.field, p.code) for p in refused.value.problems) == sorted(expected)
        session.rollback()
        assert followups.open_items(session=session, today=date(2026, 3, 2))[0].record is None

    def test_who_may_record_and_when(self, session: Session) -> None:
        placement, boss, officer = hired(session, start=START)
        record: dict[str, Any] = {"session": session, "placement_id": placement.id or 0, "typed": REACHED}
        trainee = Actor(Party.trainee, user_id=officer.id, trainee_id=placement.trainee_id)
        for party in (boss.actor, trainee):
            with pytest.raises(ActionNotAllowed):
                followups.record_follow_up(**record, month=1, by=party, today=date(2026, 3, 2))
        with pytest.raises(FollowUpNotFound):
            followups.record_follow_up(**record, month=5, by=officer.actor, today=date(2026, 3, 2))
        with pytest.raises(FollowUpNotDue):  # 3 months: due on 30/04, open from 23/04
            followups.record_follow_up(**record, month=3, by=officer.actor, today=date(2026, 4, 22))
        with pytest.raises(PlacementNotFound):
            followups.record_follow_up(**{**record, "placement_id": 10**6}, month=1, by=officer.actor, today=date(2026, 3, 2))
        early = {**REACHED, "done_on": "2026-04-23"}
        made = followups.record_follow_up(**{**record, "typed": early}, month=3, by=officer.actor, today=date(2026, 4, 23))
        assert made.month == 3


class TestCompanyAnswer:
    def test_still_employed_prefills_the_officer_form(self, session: Session) -> None:
        placement, boss, officer = hired(session, start=START)
        answer = followups.confirm_employment(session=session, placement_id=placement.id or 0, month=1, by=boss.actor,
                                              still_employed=True, today=date(2026, 2, 28))  # fmt: skip
        assert (answer.still_employed, answer.left_on, answer.confirmed_by) == (True, None, boss.id)
        item = followups.get_item(session=session, placement_id=placement.id or 0, month=1, by=officer.actor,
                                  today=date(2026, 3, 1))  # fmt: skip
        assert item.confirmation == answer and not item.company_says_left
        assert followups.prefill(item, date(2026, 3, 1))["employment"] == "same_employer"

    def test_left_is_checked_like_an_end_corrects_the_answer_and_does_not_end_the_placement(self, session: Session) -> None:
        placement, boss, _ = hired(session, start=START)
        answer: dict[str, Any] = {"session": session, "placement_id": placement.id or 0, "month": 1, "by": boss.actor,
                                  "today": date(2026, 3, 1)}  # fmt: skip
        followups.confirm_employment(**answer, still_employed=True)
        with pytest.raises(InvalidConfirmation) as refused:
            followups.confirm_employment(**answer, still_employed=False, left_on="2026-01-15", left_reason="")
        assert [(p.field, p.code) for p in refused.value.problems] == [("left_on", "end_before_start"),
                                                                       ("left_reason", "end_reason_required")]  # fmt: skip
        with pytest.raises(InvalidConfirmation):
            followups.confirm_employment(**answer, still_employed=None)
        left = followups.confirm_employment(**answer, still_employed=False, left_on="2026-02-20", left_reason="dismissed")
        session.commit()
        assert (left.still_employed, left.left_on, left.left_reason) == (False, date(2026, 2, 20), EndReason.dismissed)
        stored = session.get(Placement, placement.id)
        assert stored is not None and stored.ended_at is None and stored.end_date is None
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "employment").order_by(col(AuditEvent.id))).all()
        assert [e.details["still_employed"] for e in events if e.details] == [True, False]

    def test_only_its_company_answers_and_only_once_due(self, session: Session) -> None:
        placement, boss, officer = hired(session, start=START)
        rival = account(session, Role.employer, employer_id=employer(session).id)
        answer: dict[str, Any] = {"session": session, "placement_id": placement.id or 0, "still_employed": True}
        with pytest.raises(PlacementNotFound):
            followups.confirm_employment(**answer, month=1, by=rival.actor, today=date(2026, 3, 1))
        with pytest.raises(ActionNotAllowed):
            followups.confirm_employment(**answer, month=1, by=officer.actor, today=date(2026, 3, 1))
        with pytest.raises(FollowUpNotDue):
            followups.confirm_employment(**answer, month=1, by=boss.actor, today=date(2026, 2, 27))


class TestReminders:
    def test_one_sms_per_follow_up_in_the_days_before_it(self, session: Session) -> None:
        placement, _, _ = hired(session, start=START)
        assert followups.remind_trainees(session=session, today=date(2026, 2, 24)) == []  # 4 days before
        sent = followups.remind_trainees(session=session, today=date(2026, 2, 25), office_phone="+223 20 22 33 44")
        assert sent == [(placement.id, 1)]
        assert followups.remind_trainees(session=session, today=date(2026, 2, 26), office_phone="+223 20 22 33 44") == []
        session.commit()
        [message] = session.exec(select(OutboxMessage).where(col(OutboxMessage.kind).startswith("follow_up"))).all()
        assert message.kind == "follow_up_call_phone.trainee" and message.recipient_phone
        assert message.sms_text.startswith("RDV Mali : Bonjour, votre conseiller RDV vous appellera cette semaine")
        assert message.sms_text.endswith("Appelez le +223 20 22 33 44.") and len(message.sms_text) <= 160
        assert "vers le 28/02/2026" in message.email_body
        reminder = session.exec(select(FollowUpReminder)).one()
        assert (reminder.placement_id, reminder.month, reminder.message_id) == (placement.id, 1, message.id)

    def test_a_missed_window_or_a_recorded_follow_up_sends_nothing(self, session: Session) -> None:
        placement, _, officer = hired(session, start=START)
        assert followups.remind_trainees(session=session, today=date(2026, 3, 1)) == []  # the day has passed
        on = date(2026, 4, 25)  # month 3 falls due on 30/04
        followups.record_follow_up(session=session, placement_id=placement.id or 0, month=3, by=officer.actor, today=on,
                                   typed={**REACHED, "done_on": "2026-04-25"})  # fmt: skip
        assert followups.remind_trainees(session=session, today=date(2026, 4, 28)) == []

    def test_without_a_phone_office_the_sms_says_the_call_only(self, session: Session) -> None:
        hired(session, start=START)
        followups.remind_trainees(session=session, today=date(2026, 2, 28))
        message = session.exec(select(OutboxMessage).where(col(OutboxMessage.kind).startswith("follow_up"))).one()
        assert message.kind == "follow_up_call.trainee" and "Appelez" not in message.sms_text


@pytest.mark.parametrize("key", ["follow_up_call.trainee", "follow_up_call_phone.trainee"])
def test_the_follow_up_sms_fits_one_gsm_message_with_the_longest_values(key: str) -> None:
    values = {"name": "Aïssata Ténin Coulibaly " * 3, "employer": "Société de Gardiennage Kénédougou Sûreté " * 3,
              "office_phone": "+223 76 12 34 56 78", "due": "31/12/2026", "month": "12"}  # fmt: skip
    notice = notices.render(key, values)
    assert len(notice.sms) <= 160 and all(c in notices.GSM_BASIC for c in notice.sms) and not notice.sms.endswith("...")


def test_the_dashboard_lists_due_and_overdue_follow_ups(session: Session) -> None:
    hired(session, start=START)
    board = dashboard.dashboard(session=session, now=datetime(2026, 8, 5, tzinfo=UTC), limit=2)
    assert [(i.month, i.status) for i in board.follow_ups_due.rows] == [(6, "due")]
    assert [i.month for i in board.follow_ups_overdue.rows] == [3, 1] and not board.follow_ups_overdue.more
    small = dashboard.dashboard(session=session, now=datetime(2026, 8, 5, tzinfo=UTC), limit=1)
    assert small.follow_ups_overdue.count == 2 and small.follow_ups_overdue.more
