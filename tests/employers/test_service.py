"""The employers' services called directly, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, func, select

from core.clock import utcnow
from employers import candidates, offers
from employers import service as employers_service
from employers.exceptions import (
    CandidateUnavailable,
    DuplicateCode,
    EmployerNotFound,
    InvalidApplication,
    InvalidTransition,
    InvalidVacancy,
    NotPending,
    ReasonRequired,
    UnknownEmployers,
    VacancyCodeTaken,
    VacancyNotFound,
    VacancyNotOpen,
)
from employers.lifecycle import Actor, Party
from employers.models import (
    CandidateRequest,
    Employer,
    EmployerStatus,
    Offer,
    OfferCause,
    OfferOrigin,
    OfferState,
    Vacancy,
    VacancyStatus,
)
from employers.rules import minimum_wage_month
from tests.employers.factories import account, offer_in, placement_row, profile, stored_vacancy
from tests.factories import vacancy as exchange_vacancy
from tests.web.factories import employer, user
from web.auth.models import Role

#: An officer deciding companies' applications (the decision records no account).
OFFICER = Actor(Party.officer, user_id=1)
APPLICATION = {"name": "Sahel Garde", "licence_number": "MSPC-2024-017", "town": "bamako", "contact_name": "Awa Diarra",
               "phone": "76 12 34 56", "email": "Awa@SahelGarde.ml"}  # fmt: skip


def fields(**changes: Any) -> dict[str, Any]:
    """Return valid vacancy fields, with changes."""
    return {"title": "Agent de sécurité", "level": "guard", "town": "Bamako", **changes}


def codes(problems: Any) -> dict[str, str]:
    return {p.field: p.code for p in problems}


class TestApply:
    def test_records_a_pending_company_with_normalised_fields(self, session: Session) -> None:
        company = employers_service.apply(session=session, **APPLICATION)
        assert company.status == EmployerStatus.pending
        assert (company.town, company.phone, company.email) == ("Bamako", "+22376123456", "awa@sahelgarde.ml")

    def test_lists_every_wrong_field(self, session: Session) -> None:
        with pytest.raises(InvalidApplication) as refused:
            employers_service.apply(session=session, **{**APPLICATION, "name": " ", "phone": "12", "email": "awa-at-example"})
        assert codes(refused.value.problems) == {"name": "field_required", "phone": "invalid_phone", "email": "invalid_email"}
        assert session.exec(select(func.count()).select_from(Employer)).one() == 0

    def test_refuses_a_licence_number_already_used_whatever_its_case(self, session: Session) -> None:
        employer(session, licence_number="MSPC-2024-017")
        with pytest.raises(InvalidApplication) as refused:
            employers_service.apply(session=session, **{**APPLICATION, "licence_number": "mspc-2024-017"})
        assert codes(refused.value.problems) == {"licence_number": "licence_taken"}

    def test_refuses_a_name_longer_than_its_column(self, session: Session) -> None:
        problems = employers_service.application_problems(session=session, fields={**APPLICATION, "name": "x" * 201})
        assert [(p.field, p.code, dict(p.values)) for p in problems] == [("name", "field_too_long", {"limit": "200"})]


class TestDecide:
    def test_approve_a_pending_application(self, session: Session) -> None:
        company = employer(session, status=EmployerStatus.pending)
        officer = user(session, Role.officer)
        approved = employers_service.approve(session=session, employer_id=company.id or 0, by=officer.actor)
        assert approved.status == EmployerStatus.approved and approved.decided_at is not None
        assert employers_service.is_approved(session=session, employer_id=company.id)

    def test_an_application_is_decided_once(self, session: Session) -> None:
        company = employer(session, status=EmployerStatus.approved)
        with pytest.raises(NotPending):
            employers_service.reject(session=session, employer_id=company.id or 0, by=OFFICER, reason="doublon")

    def test_rejecting_needs_a_reason(self, session: Session) -> None:
        company = employer(session, status=EmployerStatus.pending)
        with pytest.raises(ReasonRequired):
            employers_service.reject(session=session, employer_id=company.id or 0, by=OFFICER, reason="  ")
        assert company.status == EmployerStatus.pending

    def test_reject_records_the_reason(self, session: Session) -> None:
        company = employer(session, status=EmployerStatus.pending)
        officer = account(session, Role.officer).actor  # the audit event names a real account
        rejected = employers_service.reject(session=session, employer_id=company.id or 0, by=officer, reason=" Agrément expiré ")
        assert (rejected.status, rejected.decision_reason) == (EmployerStatus.rejected, "Agrément expiré")

    def test_unknown_company(self, session: Session) -> None:
        with pytest.raises(EmployerNotFound):
            employers_service.approve(session=session, employer_id=999_999, by=OFFICER)

    def test_list_applications_by_status(self, session: Session) -> None:
        pending = employer(session, status=EmployerStatus.pending)
        employer(session, status=EmployerStatus.approved)
        assert [e.id for e in employers_service.list_applications(session=session, status=EmployerStatus.pending)] == [pending.id]


class TestCreateVacancy:
    def test_saves_a_draft_with_a_code_per_company(self, session: Session) -> None:
        company = employer(session)
        first = employers_service.create_vacancy(session=session, employer_id=company.id or 0, data=fields())
        second = employers_service.create_vacancy(session=session, employer_id=company.id or 0, data=fields())
        assert first.status == VacancyStatus.draft
        assert (first.code, second.code) == ("V-00001", "V-00002")  # the exchange files' scheme (issue 13)

    def test_normalises_free_text_to_the_taxonomy(self, session: Session) -> None:
        company = employer(session)
        data = fields(town="segou", required_certifications=["S.S.I.A.P. 1"], required_skills=["controle d'acces"],
                      required_languages=[{"language": "Bambara", "level": "Fluent"}])  # fmt: skip
        saved = employers_service.create_vacancy(session=session, employer_id=company.id or 0, data=data)
        assert (saved.town, saved.required_certifications, saved.required_skills) == ("Ségou", ["SSIAP1"], ["access_control"])
        assert saved.required_languages == [{"language": "bm", "level": "fluent"}]
        assert employers_service.warnings_of(saved) == []

    def test_lists_every_wrong_field_and_saves_nothing(self, session: Session) -> None:
        company = employer(session)
        data = fields(title="", level="chief", seats="1.5", start_date="2026-13-01", min_experience_years=-1,
                      required_languages=[{"language": "bm", "level": ""}])  # fmt: skip
        with pytest.raises(InvalidVacancy) as refused:
            employers_service.create_vacancy(session=session, employer_id=company.id or 0, data=data)
        assert codes(refused.value.problems) == {
            "title": "field_required", "level": "field_choice", "seats": "field_whole_number", "start_date": "field_date",
            "min_experience_years": "field_at_least", "required_languages.0.level": "field_choice",
        }  # fmt: skip
        assert session.exec(select(func.count()).select_from(Vacancy)).one() == 0

    def test_a_salary_below_the_smig_is_a_warning(self, session: Session) -> None:
        company = employer(session)
        saved = employers_service.create_vacancy(
            session=session, employer_id=company.id or 0, data=fields(salary_fcfa_month=minimum_wage_month() - 5000)
        )
        assert [(w.field, w.code, w.severity) for w in employers_service.warnings_of(saved)] == [
            ("salary_fcfa_month", "below_smig", "warning")
        ]

    def test_unknown_values_are_kept_with_a_warning(self, session: Session) -> None:
        company = employer(session)
        data = fields(town="Atlantis", preferred_skills=["jonglage"])
        saved = employers_service.create_vacancy(session=session, employer_id=company.id or 0, data=data)
        assert (saved.town, saved.preferred_skills) == ("Atlantis", ["jonglage"])
        assert codes(employers_service.warnings_of(saved)) == {"town": "unknown_town", "preferred_skills": "unknown_skill"}


class TestUpdateVacancy:
    def test_changes_only_the_fields_given(self, session: Session) -> None:
        company = employer(session)
        saved = employers_service.create_vacancy(session=session, employer_id=company.id or 0, data=fields(seats=2))
        updated = employers_service.update_vacancy(
            session=session, vacancy_id=saved.id or 0, employer_id=company.id or 0, changes={"shift": "night"}
        )
        assert (updated.shift, updated.seats, updated.title) == ("night", 2, "Agent de sécurité")

    def test_invalid_changes_change_nothing(self, session: Session) -> None:
        company = employer(session)
        saved = employers_service.create_vacancy(session=session, employer_id=company.id or 0, data=fields())
        with pytest.raises(InvalidVacancy):
            employers_service.update_vacancy(session=session, vacancy_id=saved.id or 0, employer_id=company.id or 0,
                                             changes={"seats": 0, "title": "Chef de poste"})  # fmt: skip
        assert (saved.seats, saved.title) == (1, "Agent de sécurité")

    def test_another_companys_vacancy_is_not_found(self, session: Session) -> None:
        mine, theirs = employer(session), employer(session)
        their_vacancy = stored_vacancy(session, theirs)
        with pytest.raises(VacancyNotFound):
            employers_service.update_vacancy(
                session=session, vacancy_id=their_vacancy.id or 0, employer_id=mine.id or 0, changes={}
            )
        with pytest.raises(VacancyNotFound):
            employers_service.get_vacancy(session=session, vacancy_id=their_vacancy.id or 0, employer_id=mine.id)

    def test_a_closed_vacancy_cannot_change(self, session: Session) -> None:
        company = employer(session)
        closed = stored_vacancy(session, company, status=VacancyStatus.closed)
        with pytest.raises(InvalidTransition):
            employers_service.update_vacancy(session=session, vacancy_id=closed.id or 0, employer_id=company.id or 0, changes={})


class TestTransitions:
    def test_publish_then_close(self, session: Session) -> None:
        company = employer(session)
        draft = stored_vacancy(session, company, status=VacancyStatus.draft)
        boss = user(session, Role.employer, employer_id=company.id)
        ids = {"session": session, "vacancy_id": draft.id or 0, "by": boss.actor}
        published = employers_service.publish(**ids)
        assert published.status == VacancyStatus.open and published.published_at is not None
        with pytest.raises(InvalidTransition):
            employers_service.publish(**ids)
        closed = employers_service.close(**ids)
        assert closed.status == VacancyStatus.closed and closed.closed_at is not None
        with pytest.raises(InvalidTransition):
            employers_service.close(**ids)
        with pytest.raises(InvalidTransition):
            employers_service.publish(**ids)

    def test_a_draft_can_be_closed(self, session: Session) -> None:
        company = employer(session)
        draft = stored_vacancy(session, company, status=VacancyStatus.draft)
        boss = user(session, Role.employer, employer_id=company.id)
        closed = employers_service.close(session=session, vacancy_id=draft.id or 0, by=boss.actor)
        assert closed.status == VacancyStatus.closed


class TestListVacancies:
    def test_counts_eligible_trainees_of_open_vacancies_and_requests(self, session: Session) -> None:
        company = employer(session)
        profile(session)
        profile(session, home_town="Gao")  # outside Bamako's mobility
        open_one = stored_vacancy(session, company)
        draft = stored_vacancy(session, company, status=VacancyStatus.draft)
        rows = {row.vacancy.id: row for row in employers_service.list_vacancies(session=session, employer_id=company.id or 0)}
        assert (rows[open_one.id].eligible_count, rows[draft.id].eligible_count) == (1, None)
        assert rows[open_one.id].requested_count == 0


class TestImportVacancies:
    def test_creates_then_updates_by_code(self, session: Session) -> None:
        employer(session, name="Sahel Sécurité")
        records = [exchange_vacancy(employer="SAHEL securite"), exchange_vacancy(employer="Sahel Sécurité")]
        assert employers_service.import_vacancies(session=session, records=records) == (2, 0)
        records[0].seats = 4
        assert employers_service.import_vacancies(session=session, records=records) == (0, 2)
        stored = session.exec(select(Vacancy).where(Vacancy.code == records[0].id)).one()
        assert (stored.seats, stored.status) == (4, VacancyStatus.open)

    def test_every_unknown_company_is_listed_and_nothing_is_written(self, session: Session) -> None:
        employer(session, name="Sahel Sécurité")
        records = [
            exchange_vacancy(employer="Sahel Sécurité"),
            exchange_vacancy(employer="Inconnue"),
            exchange_vacancy(employer="Autre"),
        ]
        with pytest.raises(UnknownEmployers) as refused:
            employers_service.import_vacancies(session=session, records=records)
        assert [(r.index, r.employer) for r in refused.value.records] == [(1, "Inconnue"), (2, "Autre")]
        assert session.exec(select(func.count()).select_from(Vacancy)).one() == 0

    def test_a_name_two_companies_share_is_ambiguous(self, session: Session) -> None:
        employer(session, name="Garde Plus")
        employer(session, name="GARDE PLUS")
        with pytest.raises(UnknownEmployers) as refused:
            employers_service.import_vacancies(session=session, records=[exchange_vacancy(employer="Garde Plus")])
        assert refused.value.records[0].ambiguous

    def test_another_companys_code_is_refused(self, session: Session) -> None:
        mine, theirs = employer(session, name="Mine"), employer(session, name="Theirs")
        taken = stored_vacancy(session, theirs)
        with pytest.raises(VacancyCodeTaken):
            employers_service.import_vacancies(session=session, records=[exchange_vacancy(id=taken.code, employer=mine.name)])

    def test_a_code_twice_is_refused(self, session: Session) -> None:
        employer(session, name="Mine")
        records = [exchange_vacancy(id="V-1", employer="Mine"), exchange_vacancy(id="V-1", employer="Mine")]
        with pytest.raises(DuplicateCode):
            employers_service.import_vacancies(session=session, records=records)


class TestRequestCandidate:
    def test_asking_twice_is_one_request(self, session: Session) -> None:
        company = employer(session)
        boss = user(session, Role.employer, employer_id=company.id)
        trainee = profile(session)
        post = stored_vacancy(session, company)
        ask = {"session": session, "vacancy_id": post.id or 0, "trainee_code": trainee.code, "by": boss.actor}
        first = employers_service.request_candidate(**ask)
        second = employers_service.request_candidate(**ask)
        assert first.id == second.id and first.trainee_id == trainee.id
        assert session.exec(select(func.count()).select_from(CandidateRequest)).one() == 1
        [listed] = session.exec(select(Offer)).all()  # the request put the trainee on the officers' shortlist
        assert (listed.state, listed.origin) == (OfferState.shortlisted, OfferOrigin.employer_request)
        assert listed.candidate_request_id == first.id
        [event] = offers.audit_trail(session=session, trainee_id=trainee.id)
        assert (event.actor_id, event.to_state, event.cause, event.reason) == (
            boss.id, "shortlisted", OfferCause.asked_by_employer, None)  # fmt: skip

    def test_a_racing_double_click_is_one_request(self, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
        company = employer(session)
        boss = user(session, Role.employer, employer_id=company.id)
        trainee = profile(session)
        post = stored_vacancy(session, company)
        ask = {"session": session, "vacancy_id": post.id or 0, "trainee_code": trainee.code, "by": boss.actor}
        first = employers_service.request_candidate(**ask)
        session.commit()
        looked_up = employers_service.requested
        calls = iter([{}])  # the other click's request is not visible yet when this one checks
        monkeypatch.setattr(employers_service, "requested", lambda **kw: next(calls, None) or looked_up(**kw))
        second = employers_service.request_candidate(**ask)
        session.commit()
        assert second.id == first.id
        assert session.exec(select(func.count()).select_from(CandidateRequest)).one() == 1

    @pytest.mark.parametrize("kind", ["no_consent", "ineligible", "unknown"])
    def test_only_a_listed_candidate_can_be_asked_for(self, session: Session, kind: str) -> None:
        company = employer(session)
        post = stored_vacancy(session, company, required_certifications=["SSIAP1"])
        code = {"no_consent": lambda: profile(session, consent=False, certifications=["SSIAP1"]).code,
                "ineligible": lambda: profile(session).code, "unknown": lambda: "T-NOBODY"}[kind]()  # fmt: skip
        with pytest.raises(CandidateUnavailable):
            employers_service.request_candidate(session=session, vacancy_id=post.id or 0, trainee_code=code,
                                                by=Actor(Party.employer, user_id=1, employer_id=company.id))  # fmt: skip

    def test_a_draft_is_published_first(self, session: Session) -> None:
        company = employer(session)
        trainee = profile(session)
        draft = stored_vacancy(session, company, status=VacancyStatus.draft)
        with pytest.raises(VacancyNotOpen):
            employers_service.request_candidate(session=session, vacancy_id=draft.id or 0, trainee_code=trainee.code,
                                                by=Actor(Party.employer, user_id=1, employer_id=company.id))  # fmt: skip


class TestCandidates:
    def test_rows_are_pseudonymised_and_only_consenting_trainees_count(self, session: Session) -> None:
        company = employer(session)
        shared = profile(
            session, full_name="Awa Diarra", phone="+22376123456", birth_date="1990-04-12", preferred_levels=["guard"]
        )
        profile(session, consent=False)
        found = candidates.candidates_for(session=session, vacancy=stored_vacancy(session, company))
        assert (found.eligible_count, found.ineligible_count) == (1, 0)
        [row] = found.candidates
        facts = row.trainee
        assert (facts.code, facts.initials, facts.home_town, facts.preferred_levels) == (
            shared.code,
            "A. D.",
            "Bamako",
            ("guard",),
        )
        assert (facts.certifications, facts.skills, facts.security_years) == (("SST",), ("access_control", "patrol"), 2.0)
        assert not {"full_name", "phone", "birth_date"} & set(vars(facts))
        assert 0 < row.score <= 1 and set(row.components) >= {"skills", "proximity"} and row.reasons

    def test_ineligible_trainees_are_counted_with_their_reasons(self, session: Session) -> None:
        company = employer(session)
        profile(session)
        profile(session, home_town="Gao")
        found = candidates.candidates_for(
            session=session, vacancy=stored_vacancy(session, company, required_certifications=["SSIAP1"])
        )
        assert (found.eligible_count, found.ineligible_count) == (0, 2)
        assert dict(found.failure_counts)["certification requise manquante : SSIAP1"] == 2

    def test_a_change_of_consent_or_vacancy_is_seen_on_the_next_call(self, session: Session) -> None:
        company = employer(session)
        first = profile(session)
        post = stored_vacancy(session, company)
        assert candidates.candidates_for(session=session, vacancy=post).eligible_count == 1
        profile(session)
        assert candidates.candidates_for(session=session, vacancy=post).eligible_count == 2
        first.consent_to_share = False
        session.add(first)
        session.commit()
        assert candidates.candidates_for(session=session, vacancy=post).eligible_count == 1
        employers_service.update_vacancy(session=session, vacancy_id=post.id or 0, employer_id=company.id or 0,
                                         changes={"required_certifications": ["CYNO"]})  # fmt: skip
        session.commit()
        assert candidates.candidates_for(session=session, vacancy=post).eligible_count == 0

    def test_a_trainee_in_a_job_is_no_candidate_until_the_placement_ends(self, session: Session) -> None:
        company = employer(session)
        post, other = stored_vacancy(session, company), stored_vacancy(session, company)
        placed, free = profile(session), profile(session)
        assert candidates.candidates_for(session=session, vacancy=post).eligible_count == 2
        officer = account(session, Role.officer)
        offer = offer_in(session, other, placed, OfferState.confirmed, by=officer)
        placement = placement_row(
            session, offer, start_date=date(2027, 1, 4), salary_fcfa_month=65_000, confirmed_by=officer.id or 0
        )
        session.add(placement)
        session.commit()
        found = candidates.candidates_for(session=session, vacancy=post)
        assert [row.trainee.code for row in found.candidates] == [free.code] and found.ineligible_count == 0
        placement.ended_at = utcnow()
        session.add(placement)
        session.commit()
        assert candidates.candidates_for(session=session, vacancy=post).eligible_count == 2

    def test_a_draft_is_ranked_alone_and_in_english_on_request(self, session: Session) -> None:
        company = employer(session)
        profile(session, home_town="Gao")
        draft = stored_vacancy(session, company, status=VacancyStatus.draft)
        found = candidates.candidates_for(session=session, vacancy=draft, lang="en")
        assert found.ineligible_count == 1
        assert found.failure_counts[0][0] == "Bamako is outside their mobility"

    def test_initials(self) -> None:
        assert candidates.initials("Awa  Diarra-Traoré") == "A. D. T."
        assert candidates.initials("") == ""
