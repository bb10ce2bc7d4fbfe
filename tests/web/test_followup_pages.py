"""Officers' and companies' pages of the follow-up after placement: ending a contract, follow-ups, confirmations."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, timedelta

from sqlmodel import Session

from core.clock import utcnow
from employers.models import EndReason, Placement
from tests.employers.factories import profile
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, user
from tests.web.test_officer_trainees import confirmed_placement
from web.auth.models import Role, User

TODAY = utcnow().date()


def notes(page: str) -> dict[str, str]:
    """Return the field errors shown next to the form's fields, by field."""
    return {name: html.unescape(text) for name, text in re.findall(r'id="([\w.]+)-error">([^<]+)</span>', page)}


def signed_in(client: Client, session: Session, role: Role = Role.officer, **links: object) -> User:
    """Create an account and sign the client in with it."""
    account = user(session, role, **links)
    client.sign_in(account.login, PASSWORD)
    return account


def started(session: Session, officer: User, start: date) -> Placement:
    """Store a running placement that started on `start`."""
    placement = confirmed_placement(session, profile(session, phone="+22376000001"), officer)
    placement.start_date = start
    session.add(placement)
    session.commit()
    return placement


class TestEndingByAnOfficer:
    def test_a_day_before_the_start_is_refused_next_to_its_field(self, client: Client, session: Session) -> None:
        officer = signed_in(client, session)
        placement = started(session, officer, date(2026, 10, 5))
        url = f"/officer/placements/{placement.id}/end"
        wrong = client.post_form(url, {"end_date": "2026-10-01", "end_reason": "", "end_note": "vu au bureau"})
        assert wrong.status_code == 422
        assert notes(wrong.text) == {"end_date": "Le contrat ne peut pas finir avant son début (05/10/2026).",
                                     "end_reason": "Indiquez pourquoi le contrat prend fin."}  # fmt: skip
        assert 'value="vu au bureau"' in wrong.text and 'value="2026-10-01"' in wrong.text
        future = client.post_form(url, {"end_date": (TODAY + timedelta(days=2)).isoformat(), "end_reason": "resigned"})
        assert notes(future.text)["end_date"].startswith("Cette date est dans le futur")
        done = client.post_form(url, {"end_date": "2026-11-02", "end_reason": "dismissed"}, follow_redirects=False)
        assert done.status_code == 303
        session.expire_all()
        ended = session.get(Placement, placement.id)
        assert ended is not None and (ended.end_date, ended.end_reason) == (date(2026, 11, 2), EndReason.dismissed)
        page = client.get(done.headers["location"]).text
        assert "terminé le 02/11/2026 (Licenciement)" in page

    def test_the_reasons_are_in_english_on_english_pages(self, client: Client, session: Session) -> None:
        officer = signed_in(client, session)
        placement = started(session, officer, date(2026, 10, 5))
        page = client.get(f"/officer/trainees/{placement.trainee_id}?lang=en").text
        assert "Trial period not passed" in page and "Last day of the contract" in page


def due_placement(session: Session, officer: User) -> Placement:
    """Store a running placement started 40 days ago: its 1-month follow-up is due since about 10 days."""
    return started(session, officer, TODAY - timedelta(days=40))


ANSWERS = {"q_economic_satisfaction": "satisfied", "q_economic_food": "never", "q_economic_borrow": "yes",
           "q_economic_debt": "no", "q_social_housing": "acceptable", "q_social_health": "always",
           "q_social_documents": "yes"}  # fmt: skip


class TestOfficerFollowUp:
    def test_from_the_dashboard_to_a_recorded_follow_up(self, client: Client, session: Session) -> None:
        officer = signed_in(client, session)
        placement = due_placement(session, officer)
        link = f"/officer/placements/{placement.id}/followups/1"
        board = client.get("/officer").text
        assert link in board and "Suivis après placement à faire (1)" in board
        page = client.get(link)
        assert page.status_code == 200 and "Questionnaire de réintégration" in page.text
        assert f'value="{TODAY.isoformat()}"' in page.text  # the day is prefilled with today
        wrong = client.post_form(link, {"done_on": TODAY.isoformat(), "reached": "yes", "channel": "call", "employment": "",
                                        "q_social_housing": "palace"})  # fmt: skip
        assert wrong.status_code == 422
        assert notes(wrong.text) == {"employment": "Ce champ est obligatoire.",
                                     "q_social_housing": "Choisissez une des valeurs proposées."}  # fmt: skip
        form = {"done_on": TODAY.isoformat(), "reached": "yes", "channel": "visit", "employment": "same_employer",
                "salary_fcfa_month": "60000", **ANSWERS}  # fmt: skip
        done = client.post_form(link, form, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/officer/followups?done=follow_up"
        listed = client.get(done.headers["location"]).text
        assert "Le suivi est enregistré." in listed and link not in listed
        assert link not in client.get("/officer").text
        recorded = client.get(link).text
        assert "Suivi enregistré" in recorded and "Visite" in recorded
        assert "Sociale</dt><dd>83 / 100" in recorded and "Psychosociale" not in recorded  # (0.5 + 1 + 1) / 3
        again = client.post_form(link, form)
        assert again.status_code == 409 and "Ce suivi est déjà enregistré." in again.text

    def test_an_overdue_follow_up_is_listed_as_such(self, client: Client, session: Session) -> None:
        officer = signed_in(client, session)
        placement = started(session, officer, TODAY - timedelta(days=100))
        listed = client.get("/officer/followups").text
        overdue = listed[listed.index('id="overdue"') : listed.index('id="due"')]
        assert f"/officer/placements/{placement.id}/followups/1" in overdue and "en retard, dû le" in overdue
        assert f"/officer/placements/{placement.id}/followups/3" in listed[listed.index('id="due"') :]  # due ~8 days ago
        assert "/followups/6" not in listed
        assert "Suivis après placement en retard (1)" in client.get("/officer").text

    def test_a_follow_up_not_yet_open_shows_no_form(self, client: Client, session: Session) -> None:
        officer = signed_in(client, session)
        placement = due_placement(session, officer)
        page = client.get(f"/officer/placements/{placement.id}/followups/3").text
        assert "follow-up-form" not in page and "à partir d&#39;une semaine avant sa date" in page
        assert client.get(f"/officer/placements/{placement.id}/followups/5").status_code == 404


class TestCompanyAnswer:
    def test_the_company_says_left_which_prefills_nothing_ends_nothing_and_shows_to_the_officer(
        self, client: Client, session: Session, new_client: Callable[[], Client]
    ) -> None:
        officer = user(session, Role.officer)
        placement = due_placement(session, officer)
        boss = new_client()
        signed_in(boss, session, Role.employer, employer_id=placement.employer_id)
        vacancy_page = boss.get(f"/employer/vacancies/{placement.vacancy_id}").text
        url = f"/employer/placements/{placement.id}/followups/1/confirm"
        assert url in vacancy_page and "ne termine pas le contrat" in vacancy_page
        wrong = boss.post_form(url, {"still_employed": "no", "left_on": "", "left_reason": ""})
        assert wrong.status_code == 422
        assert notes(wrong.text) == {"left_on": "Ce champ est obligatoire.",
                                     "left_reason": "Indiquez pourquoi le contrat prend fin."}  # fmt: skip
        left_on = (TODAY - timedelta(days=5)).isoformat()
        left = {"still_employed": "no", "left_on": left_on, "left_reason": "resigned"}
        done = boss.post_form(url, left, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"].endswith("?done=employment_confirmed")
        session.expire_all()
        stored = session.get(Placement, placement.id)
        assert stored is not None and stored.ended_at is None
        client.sign_in(officer.login, PASSWORD)
        assert "la société signale un départ" in client.get("/officer/followups").text
        page = client.get(f"/officer/placements/{placement.id}/followups/1").text
        assert "La société indique que l&#39;agent est parti le" in page and "Démission" in page
        assert "Cette réponse ne termine pas le placement" in page

    def test_still_employed_prefills_the_same_employer(
        self, client: Client, session: Session, new_client: Callable[[], Client]
    ) -> None:
        officer = signed_in(client, session)
        placement = due_placement(session, officer)
        boss = new_client()
        signed_in(boss, session, Role.employer, employer_id=placement.employer_id)
        url = f"/employer/placements/{placement.id}/followups/1/confirm"
        assert boss.post_form(url, {"still_employed": "yes"}, follow_redirects=False).status_code == 303
        page = client.get(f"/officer/placements/{placement.id}/followups/1").text
        assert '<option value="same_employer" selected>' in page and "travaille toujours chez elle" in page


def test_the_trainee_page_links_each_follow_up_with_its_status(client: Client, session: Session) -> None:
    officer = signed_in(client, session)
    placement = due_placement(session, officer)
    page = client.get(f"/officer/trainees/{placement.trainee_id}").text
    links = re.findall(rf'href="/officer/placements/{placement.id}/followups/(\d+)">(\d+) mois</a>([^<]*)', page)
    assert [(month, shown) for month, shown, _ in links] == [("1", "1"), ("3", "3"), ("6", "6"), ("12", "12")]
    assert links[0][2].strip() == "(à faire) ·" and links[1][2].strip().startswith("(")
