"""Privacy rights on both databases: consent history and withdrawal, the personal export, the erasure (a dump of the
whole database finds neither the name nor the phone), the retention rule, and the migration down and up."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import String, cast, inspect, select, table, text
from sqlalchemy import column as sa_column
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from core import audit
from core.clock import utcnow
from employers import candidates, offers
from employers.models import FollowUp, OfferState, OutboxMessage, Placement
from matching.normalise import fold
from profiles import consent as consent_service
from profiles import service as profiles_service
from profiles.models import Consent, ConsentScope, ProfileView, TraineeProfile
from tests.employers.factories import account, offer_in, profile, stored_vacancy
from tests.web.factories import employer
from web import demo, privacy
from web.auth.models import Role, User
from web.db import make_engine
from web.migrate import alembic_config, upgrade

BEFORE = "bf72f75363df"
BEFORE_CHAIN = "8446df54902e"  # events recorded then are chained by a90e878eac8f, then sealed


def dump_texts(session: Session) -> list[str]:
    """Return every value of every table of the database (reflected, so none is forgotten), as text."""
    session.commit()
    bind = session.connection()
    values: list[str] = []
    for name in inspect(bind).get_table_names():
        columns = [c["name"] for c in inspect(bind).get_columns(name)]
        rows = bind.execute(select(*(cast(sa_column(c), String) for c in columns)).select_from(table(name)))
        values.extend(str(v) for row in rows for v in row if v is not None)
    return values


def evaluation_facts(session: Session) -> dict[str, Any]:
    """Return what the evaluation reads: trainees' codes, cohorts and departures, placements, follow-ups' scores."""
    trainees = session.exec(sm_select(TraineeProfile).order_by(col(TraineeProfile.code))).all()
    places = session.exec(sm_select(Placement).order_by(col(Placement.id))).all()
    follows = session.exec(sm_select(FollowUp).order_by(col(FollowUp.id))).all()
    return {
        "trainees": [(t.code, t.cohort, t.gender, t.dropped_out_on, t.training, t.home_town) for t in trainees],
        "placements": [(p.code, p.trainee_id, p.level, p.start_date, p.end_date, p.salary_fcfa_month, p.end_reason)
                       for p in places],
        "follow_ups": [(f.placement_id, f.month, f.done_on, f.reached, f.employment, f.salary_fcfa_month, f.economic,
                        f.social, f.psychosocial) for f in follows],
    }  # fmt: skip


def seeded_demo(session: Session, tmp_path: Path) -> TraineeProfile:
    """Seed the demo and give its first trainee a placement, follow-up, free texts and messages naming them."""
    demo.seed(session=session, folder=tmp_path / "demo")
    session.commit()
    person = session.exec(sm_select(TraineeProfile).order_by(col(TraineeProfile.code))).first()
    assert person is not None and person.phone
    officer = account(session, Role.officer)
    tid = person.id or 0
    placement = Placement(code=f"P-{tid}", trainee_id=tid, employer_name="Askia Garde SA", level="guard",
                          start_date=date(2024, 1, 8), salary_fcfa_month=75_000,
                          end_note=f"{person.full_name} est parti")  # fmt: skip
    session.add(placement)
    session.flush()
    session.add(FollowUp(placement_id=placement.id or 0, month=12, done_on=date(2025, 1, 10), reached=True, economic=0.5,
                         social=0.75, psychosocial=1.0, answers={"q1": person.full_name},
                         note=f"appelé au {person.phone}"))  # fmt: skip
    session.add(OutboxMessage(kind="test", recipient_phone=person.phone, sms_text=f"Bonjour {person.full_name}",
                              email_subject="-", email_body=f"{person.full_name} {person.phone}"))  # fmt: skip
    audit.record(session, actor_id=officer.id, entity="vacancy", entity_id=None, action="note",
                 reason=f"{person.full_name} recommandé", details={"phone": person.phone})  # fmt: skip
    consent_service.record(session=session, profile=person, scopes=[ConsentScope.sms], given=True, by=officer.id,
                           document=f"fiche {person.full_name}")  # fmt: skip
    privacy.log_views(session=session, trainee_ids=[tid], viewer=officer, page="officer_trainee")
    session.commit()
    return person


class TestConsent:
    def test_history_keeps_every_decision_and_withdrawal_stops_sharing_at_once(self, session: Session) -> None:
        person = profile(session, consent=False)
        officer = account(session, Role.officer)
        consent_service.record(session=session, profile=person, scopes=[ConsentScope.share, ConsentScope.sms], given=True,
                               by=officer.id, document="FC-2026-031")  # fmt: skip
        session.commit()
        assert person.consent_to_share
        assert person.code in set(candidates.load_pool(session).facts)
        withdrawn = consent_service.withdraw_by_trainee(session=session, trainee_id=person.id or 0,
                                                        scope=ConsentScope.share, by=None)  # fmt: skip
        session.commit()
        assert withdrawn is not None and withdrawn.channel == "trainee"
        assert not session.get(TraineeProfile, person.id).consent_to_share  # type: ignore[union-attr]
        assert person.code not in set(candidates.load_pool(session).facts)
        rows = consent_service.history(session=session, trainee_id=person.id or 0)
        assert [(r.scope, r.given, r.document) for r in rows] == [
            ("share", True, "FC-2026-031"),
            ("sms", True, "FC-2026-031"),
            ("share", False, None),
        ]
        states = {s.scope: s.given for s in consent_service.in_force(session=session, trainee_id=person.id or 0)}
        assert states == {ConsentScope.share: False, ConsentScope.sms: True, ConsentScope.evaluation: False}
        events = session.exec(sm_select(audit.AuditEvent).where(audit.AuditEvent.trainee_id == person.id,
                                                                audit.AuditEvent.action == "consent")
                              .order_by(audit.AuditEvent.id)).all()  # fmt: skip
        assert [e.to_state for e in events] == ["given", "given", "withdrawn"]

    def test_withdrawing_what_was_not_given_records_nothing(self, session: Session) -> None:
        person = profile(session, consent=False)
        assert consent_service.withdraw_by_trainee(session=session, trainee_id=person.id or 0, scope=ConsentScope.sms,
                                                   by=None) is None  # fmt: skip

    def test_a_trainee_who_stopped_sms_gets_none_and_the_others_still_are_told(self, session: Session) -> None:
        company, officer = employer(session), account(session, Role.officer)
        vacancy = stored_vacancy(session, company)
        stopped, asked = profile(session, phone="+22376000011"), profile(session, phone="+22376000012")
        consent_service.record(session=session, profile=stopped, scopes=[ConsentScope.sms], given=False, by=None)
        session.commit()
        for person in (stopped, asked):
            made = offer_in(session, vacancy, person, OfferState.offered, by=officer)
            offers.withdraw_offer(session=session, offer_id=made.id or 0, by=officer.actor, reason="poste supprimé")
        session.commit()
        sent = session.exec(sm_select(OutboxMessage.recipient_phone).where(col(OutboxMessage.kind) == "offer_withdrawn.trainee"))
        assert list(sent) == ["+22376000012"]


class TestExportAndErasure:
    def test_export_holds_everything_and_erasure_leaves_no_name_nor_phone(self, session: Session, tmp_path: Path) -> None:
        person = seeded_demo(session, tmp_path)
        name, phone, code = person.full_name, person.phone or "", person.code
        exported = privacy.personal_data(session=session, profile=person)
        assert exported["profile"]["full_name"] == name
        assert [c["scope"] for c in exported["consent"]][-1] == "sms"
        assert len(exported["placements"]) == 1 and exported["follow_ups"][0]["note"] == f"appelé au {phone}"
        assert any(m["sms_text"] == f"Bonjour {name}" for m in exported["messages"])
        assert [v["page"] for v in exported["views"]] == ["officer_trainee"]
        assert exported["accounts"] and "password_hash" not in exported["accounts"][0]
        before = evaluation_facts(session)
        assert any(name in value for value in dump_texts(session))

        privacy.erase(session=session, code=code, reason="demande de la personne", by=None)
        session.commit()

        leaks = [v for v in dump_texts(session) if name in v or phone in v or phone.removeprefix("+223") in v]
        assert leaks == []
        assert evaluation_facts(session) == before
        assert audit.verify(session).ok
        user = session.exec(sm_select(User).where(User.trainee_id == person.id)).one()
        assert not user.active and user.login.startswith("erased-")
        erased = session.exec(sm_select(audit.AuditEvent).where(audit.AuditEvent.action == "erase")).one()
        assert erased.reason == "demande de la personne" and erased.trainee_id == person.id

    def test_erasure_leaves_the_search_only_the_code(self, session: Session, tmp_path: Path) -> None:
        person = seeded_demo(session, tmp_path)
        name, phone, code = person.full_name, person.phone or "", person.code
        assert person in profiles_service.matching_profiles(session=session, search=name)

        privacy.erase(session=session, code=code, reason="demande de la personne", by=None)
        session.commit()

        stored = session.exec(sm_select(TraineeProfile.search_text).where(TraineeProfile.code == code)).one()
        assert stored == fold(code)
        assert [v for v in dump_texts(session) if fold(name) in fold(v) or fold(phone) in fold(v)] == []
        assert person not in profiles_service.matching_profiles(session=session, search=name)
        assert profiles_service.matching_profiles(session=session, search=code) == [person]

    def test_an_edited_erased_event_still_breaks_the_chain(self, session: Session, tmp_path: Path) -> None:
        person = seeded_demo(session, tmp_path)
        privacy.erase(session=session, code=person.code, reason="retention", by=None)
        session.commit()
        event = session.exec(sm_select(audit.AuditEvent).where(col(audit.AuditEvent.reason).startswith(audit.ERASED))).first()
        assert event is not None
        event.reason = audit.ERASED + "0" * 64
        session.add(event)
        session.commit()
        check = audit.verify(session)
        assert check.broken is not None and check.broken.event_id == event.id and check.broken.problem == "content"


class TestRetention:
    def test_lists_those_past_the_time_after_the_12_month_follow_up_or_departure(self, session: Session) -> None:
        placed, left, recent = profile(session), profile(session), profile(session)
        today = utcnow().date()
        session.add(Placement(code=f"P-{placed.id}", trainee_id=placed.id or 0, employer_name="x", level="guard",
                              start_date=today - timedelta(days=365 + 190), salary_fcfa_month=1))  # fmt: skip
        left.dropped_out_on = today - timedelta(days=200)
        recent.dropped_out_on = today - timedelta(days=20)
        session.add(left)
        session.add(recent)
        session.commit()
        due = privacy.due_for_erasure(session=session, months=6, today=today)
        assert sorted((d.code, d.why) for d in due) == sorted([(placed.code, "follow_up_12"), (left.code, "departure")])
        privacy.erase(session=session, code=left.code, reason="retention", by=None)
        session.commit()
        assert [d.code for d in privacy.due_for_erasure(session=session, months=6, today=today)] == [placed.code]


def test_migration_carries_consent_and_reseals_the_chain_down_and_up(fresh_url: str) -> None:
    upgrade(fresh_url, BEFORE_CHAIN)
    engine = make_engine(fresh_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO trainee_profile (code, full_name, home_town, mobility, extra_towns, languages, literacy, "
                "experience, skills, certifications, driving_licences, preferred_levels, preferred_shifts, "
                "consent_to_share, overall_from_modules, consent_recorded_at, created_at, updated_at) VALUES "
                "('T-1', 'A B', 'Bamako', 'town', '[]', '[]', 'basic', '[]', '[]', '[]', '[]', '[]', '[]', true, false, "
                "'2026-01-02 10:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            ))  # fmt: skip
            connection.execute(text(
                "INSERT INTO audit_event (at, entity, entity_id, action, reason, trainee_id, details) "
                "VALUES ('2026-01-03 10:00:00', 'trainee', 1, 'edit', 'texte libre', 1, '{\"fields\": [\"phone\"]}')"
            ))  # fmt: skip
        engine.dispose()
        upgrade(fresh_url)
        with Session(engine) as session:
            assert audit.verify(session).ok
            rows = session.exec(sm_select(Consent)).all()
            assert [(r.scope, r.given, r.channel) for r in rows] == [("share", True, "migration")]
            assert session.exec(sm_select(ProfileView)).all() == []
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()
        assert not {"consent", "profile_view"} & set(inspect(engine).get_table_names())
        upgrade(fresh_url)
        engine.dispose()
        with Session(engine) as session:
            assert audit.verify(session).ok
    finally:
        engine.dispose()
