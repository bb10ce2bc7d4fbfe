"""The officers' cohorts, calendar and departures, and the training school's pages, through the application."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from core.clock import utcnow
from employers.models import OfferState
from profiles import cohorts
from profiles.models import Attendance, Cohort, TraineeProfile
from tests.employers.factories import offer_in, placement_row, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role

TODAY = utcnow().date()
SignIn = Callable[[str], Client]


def notes(page: str) -> dict[str, str]:
    """Return the errors shown next to the form's fields, by field."""
    return {name: html.unescape(text) for name, text in re.findall(r'id="([\w.]+)-error">([^<]+)</span>', page)}


def iso(day: date) -> str:
    return day.isoformat()


@dataclass
class Scene:
    """Centre A's cohort (in training today) with three trainees, one placed; centre B's cohort; their accounts."""

    cohort: Cohort
    other: Cohort
    trainees: list[TraineeProfile]
    officer: str
    school: str
    school_b: str
    company: str


@pytest.fixture
def scene(session: Session) -> Scene:
    data: dict[str, Any] = {
        "code": "2026-A", "name": "Pilote", "centre": "Centre A", "selection_start": iso(TODAY - timedelta(days=200)),
        "selection_end": iso(TODAY - timedelta(days=150)), "training_start": iso(TODAY - timedelta(days=20)),
        "return_date": iso(TODAY - timedelta(days=13)), "training_end": iso(TODAY + timedelta(days=40)),
        "employment_start": iso(TODAY + timedelta(days=70)),
        "modules": [{"name": "secourisme", "weight": 2}, {"name": "incendie", "weight": 1}],
    }  # fmt: skip
    cohort = cohorts.create_cohort(session=session, data=data)
    other = cohorts.create_cohort(session=session, data={"code": "2026-K", "centre": "Centre B"})
    session.commit()
    trainees = [profile(session, id=f"T-2026-00{i}", full_name=name, training={"cohort": "2026-A"})
                for i, name in enumerate(("Awa Traoré", "Bakary Diarra", "Coumba Sow"), start=1)]  # fmt: skip
    company = employer(session, name="Sahel Gardiennage SARL")
    officer = user(session, Role.officer)
    placed = offer_in(session, stored_vacancy(session, company), trainees[2], OfferState.confirmed, by=officer)
    session.add(placement_row(session, placed, start_date=TODAY, salary_fcfa_month=60_000, confirmed_by=officer.id or 0))
    session.commit()
    school = user(session, Role.school, centre_id=cohort.centre_id)
    school_b = user(session, Role.school, centre_id=other.centre_id)
    return Scene(cohort, other, trainees, officer.login, school.login, school_b.login, company.name)


@pytest.fixture
def signed_in(new_client: Callable[[], Client]) -> SignIn:
    def make(login: str) -> Client:
        client = new_client()
        client.sign_in(login, PASSWORD)
        return client

    return make


# ---------------------------------------------------------------- the officers' cohorts


class TestOfficerCohorts:
    FORM = {"code": "2027-A", "name": "Printemps 2027", "country": "ml", "centre": "Centre A",
            "training_start": "2027-03-01", "training_end": "2027-04-30", "budget_eur": "52 000",
            "module_0_name": "secourisme", "module_0_weight": "1,5"}  # fmt: skip

    def test_an_officer_creates_a_cohort_and_lists_it(self, scene: Scene, signed_in: SignIn, session: Session) -> None:
        client = signed_in(scene.officer)
        done = client.post_form("/officer/cohorts/new", self.FORM, follow_redirects=False)  # type: ignore[attr-defined]
        assert done.status_code == 303 and done.headers["location"] == "/officer/cohorts?done=cohort_saved"
        saved = session.exec(select(Cohort).where(Cohort.code == "2027-A")).one()
        assert (saved.country, saved.budget_eur, saved.weights, saved.centre_id) == ("ML", 52000, {"secourisme": 1.5},
                                                                                      scene.cohort.centre_id)  # fmt: skip
        page = client.get("/officer/cohorts?done=cohort_saved").text
        assert "La promotion est enregistrée." in page and "Printemps 2027" in page and "secourisme (1,5)" in page

    def test_errors_are_shown_next_to_each_field_and_nothing_is_saved(
        self, scene: Scene, signed_in: SignIn, session: Session
    ) -> None:
        client = signed_in(scene.officer)
        wrong = {**self.FORM, "code": "2026-A", "training_end": "2027-02-01", "module_0_weight": "lourd"}
        page = client.post_form("/officer/cohorts/new", wrong)  # type: ignore[attr-defined]
        assert page.status_code == 422
        assert notes(page.text) == {"code": "Une autre promotion a déjà ce code.",
                                    "training_end": "La fin de la formation ne peut pas précéder son début.",
                                    "modules": "Écrivez un nombre, par exemple 1,5."}  # fmt: skip
        assert 'value="lourd"' in page.text  # typed values come back
        assert session.exec(select(Cohort).where(Cohort.code == "2027-A")).first() is None

    def test_the_edit_form_is_filled_in_and_saves(self, scene: Scene, signed_in: SignIn, session: Session) -> None:
        client = signed_in(scene.officer)
        page = client.get(f"/officer/cohorts/{scene.cohort.id}/edit").text
        assert 'name="module_1_name" value="incendie"' in page and f'value="{iso(TODAY - timedelta(days=20))}"' in page
        done = client.post_form(f"/officer/cohorts/{scene.cohort.id}/edit", {**self.FORM, "code": "2026-A"},  # type: ignore[attr-defined]
                                follow_redirects=False)  # fmt: skip
        assert done.status_code == 303
        session.refresh(scene.cohort)
        assert scene.cohort.name == "Printemps 2027"

    def test_lists_the_cohorts_trainees_name_without_a_record(self, scene: Scene, signed_in: SignIn, session: Session) -> None:
        profile(session, training={"cohort": "2025-Z"})
        page = signed_in(scene.officer).get("/officer/cohorts").text
        assert "2025-Z — 1 agent(s)" in page and 'href="/officer/cohorts/new?code=2025-Z"' in page


class TestCalendar:
    def test_draws_each_cohort_today_and_a_table_of_the_same_dates(self, scene: Scene, signed_in: SignIn) -> None:
        page = signed_in(scene.officer).get("/officer/calendar").text
        svg = page[page.index("<svg") : page.index("</svg>")]
        assert 'role="img"' in svg and 'aria-labelledby="timeline-title timeline-desc"' in svg
        assert re.findall(r'class="bar (\w+)"', svg) == ["selection", "training_paris", "training_bamako"]
        assert re.findall(r'class="mark (\w+)"', svg) == ["return", "employment"]
        assert 'class="today"' in svg and "Aujourd&#39;hui" in svg
        assert svg.count('class="cohort-name"') == 2  # 2026-A, and 2026-K without dates
        table = page[page.index("Les dates, en tableau") :]
        for period, start in (("Formation à Paris", TODAY - timedelta(days=20)), ("Retour au pays", TODAY - timedelta(days=13))):
            assert re.search(rf"<td>{period}</td><td>{start:%d/%m/%Y}</td>", table), period
        assert "Aucune date enregistrée." in table  # 2026-K

    def test_lists_each_cohort_s_trainees_by_phase(self, scene: Scene, signed_in: SignIn) -> None:
        page = signed_in(scene.officer).get("/officer/calendar").text
        roster = page[page.index("Les agents de chaque promotion") :]
        assert re.search(r"<h4>En formation \(2\)</h4>.*T-2026-001.*T-2026-002", roster, re.S)
        assert re.search(r"<h4>En poste \(1\)</h4>.*T-2026-003", roster, re.S)
        assert "Aucun agent ne porte cette promotion." in roster  # 2026-K

    def test_in_english(self, scene: Scene, signed_in: SignIn) -> None:
        page = signed_in(scene.officer).get("/officer/calendar?lang=en").text
        assert "Cohorts&#39; calendar" in page and "Training in Paris" in page and "In training (2)" in page


class TestDepartures:
    def test_an_officer_records_a_departure_then_cancels_it(self, scene: Scene, signed_in: SignIn, session: Session) -> None:
        client, awa = signed_in(scene.officer), scene.trainees[0]
        typed = {"dropped_out_on": iso(TODAY), "dropout_reason": "remigrated"}
        done = client.post_form(f"/officer/trainees/{awa.id}/departure", typed, follow_redirects=False)  # type: ignore[attr-defined]
        assert done.status_code == 303
        page = client.get(done.headers["location"]).text
        assert "il n&#39;est plus proposé aux sociétés" in page
        left = r"<strong>A quitté le programme</strong>\s*<span class=\"muted\">— le [\d/]+, Reparti à l&#39;étranger"
        assert re.search(left, page)
        assert "Annuler le départ" in page
        calendar = client.get("/officer/calendar").text
        assert re.search(r"<h4>A quitté le programme \(1\)</h4>.*T-2026-001.*Reparti à l&#39;étranger", calendar, re.S)
        client.post_form(f"/officer/trainees/{awa.id}/departure/cancel", {})  # type: ignore[attr-defined]
        session.refresh(awa)
        assert (awa.dropped_out_on, awa.dropout_reason) == (None, None)

    def test_a_wrong_departure_is_refused_with_messages_next_to_the_fields(self, scene: Scene, signed_in: SignIn) -> None:
        client, awa = signed_in(scene.officer), scene.trainees[0]
        page = client.post_form(f"/officer/trainees/{awa.id}/departure",  # type: ignore[attr-defined]
                                {"dropped_out_on": iso(TODAY + timedelta(days=1)), "dropout_reason": ""})  # fmt: skip
        assert page.status_code == 422
        assert notes(page.text) == {
            "dropped_out_on": "Cette date est dans le futur : écrivez la date d'aujourd'hui ou une date passée.",
            "dropout_reason": "Choisissez la raison du départ.",
        }


# ---------------------------------------------------------------- the training school


class TestSchool:
    def test_a_trainer_lands_on_the_centre_s_cohorts_only(self, scene: Scene, new_client: Callable[[], Client]) -> None:
        client = new_client()
        answer = client.post("/signin", data={"login": scene.school, "secret": PASSWORD, "csrf_token": client.csrf()},
                             follow_redirects=False)  # fmt: skip
        assert answer.headers["location"] == "/school"
        page = client.get("/school").text
        assert "Centre A" in page and "2026-A — Pilote" in page and "2026-K" not in page
        assert client.get(f"/school/cohorts/{scene.other.id}").status_code == 404

    def test_the_cohort_page_shows_phases_and_no_employer_data(self, scene: Scene, signed_in: SignIn) -> None:
        page = signed_in(scene.school).get(f"/school/cohorts/{scene.cohort.id}").text
        assert page.count("En formation</span>") == 2 and page.count("En poste</span>") == 1
        assert scene.company not in page and "FCFA" not in page

    def test_attendance_is_recorded_and_corrected(self, scene: Scene, signed_in: SignIn, session: Session) -> None:
        client = signed_in(scene.school)
        url = f"/school/cohorts/{scene.cohort.id}/attendance"
        fresh = client.get(f"{url}?day={iso(TODAY)}&session_label=matin").text
        assert fresh.count("checked") == 3  # a new register: everyone present until unticked
        present = [str(scene.trainees[0].id), str(scene.trainees[2].id)]
        done = client.post(url, data={"day": iso(TODAY), "session": "matin", "present": present, "csrf_token": client.csrf()},
                           follow_redirects=False)  # fmt: skip
        assert done.status_code == 303 and done.headers["location"].endswith("?done=attendance")
        assert "2/3" in client.get(done.headers["location"]).text
        again = client.get(f"{url}?day={iso(TODAY)}&session_label=matin").text
        assert again.count("checked") == 2 and "déjà enregistré" in again
        rows = session.exec(select(Attendance.present).order_by(Attendance.trainee_id)).all()
        assert rows == [True, False, True]

    def test_a_day_in_the_future_is_refused(self, scene: Scene, signed_in: SignIn) -> None:
        client = signed_in(scene.school)
        page = client.post_form(f"/school/cohorts/{scene.cohort.id}/attendance", {"day": iso(TODAY + timedelta(days=1))})  # type: ignore[attr-defined]
        assert page.status_code == 422
        assert notes(page.text) == {"day": "Cette date est dans le futur : écrivez la date d'aujourd'hui ou une date passée."}

    def test_grades_give_the_weighted_overall_grade(self, scene: Scene, signed_in: SignIn, session: Session) -> None:
        client, awa = signed_in(scene.school), scene.trainees[0]
        client.post_form(f"/school/trainees/{awa.id}/grades", {"grade_0": "17", "grade_1": "11,5"})  # type: ignore[attr-defined]
        session.refresh(awa)
        assert awa.training and awa.training["overall"] == 15.17 and awa.overall_from_modules
        page = client.get(f"/school/trainees/{awa.id}?done=grades").text
        shown = page[page.index("<main") :]
        assert "Les notes sont enregistrées." in shown and "15,17/20" in shown and "(moyenne pondérée des modules)" in shown

    def test_a_wrong_grade_is_refused_next_to_its_field_and_kept_as_typed(self, scene: Scene, signed_in: SignIn) -> None:
        client, awa = signed_in(scene.school), scene.trainees[0]
        page = client.post_form(f"/school/trainees/{awa.id}/grades", {"grade_0": "22", "grade_1": "12"})  # type: ignore[attr-defined]
        assert page.status_code == 422
        assert notes(page.text) == {"grade_0": "Écrivez une note entre 0 et 20, par exemple 14,5."}
        assert 'name="grade_0" type="text" value="22"' in page.text

    def test_a_certification_and_completion_are_recorded(self, scene: Scene, signed_in: SignIn, session: Session) -> None:
        client, awa = signed_in(scene.school), scene.trainees[1]
        client.post_form(f"/school/trainees/{awa.id}/certifications",  # type: ignore[attr-defined]
                         {"code": "SSIAP1", "awarded_on": iso(TODAY), "certificate_number": "SS-77"})  # fmt: skip
        client.post_form(f"/school/trainees/{awa.id}/completed", {"completed": "yes"})  # type: ignore[attr-defined]
        session.refresh(awa)
        assert "SSIAP1" in awa.certifications and awa.training and awa.training["completed"] is True
        page = client.get(f"/school/trainees/{awa.id}").text
        assert "SS-77" in page and 'value="yes" checked' in page
        officer_page = signed_in(scene.officer).get(f"/officer/trainees/{awa.id}").text
        assert "SSIAP1 (" in officer_page and "n° SS-77" in officer_page

    def test_a_wrong_certification_is_refused_next_to_its_fields(self, scene: Scene, signed_in: SignIn) -> None:
        client, awa = signed_in(scene.school), scene.trainees[1]
        page = client.post_form(f"/school/trainees/{awa.id}/certifications", {"code": "", "awarded_on": "hier"})  # type: ignore[attr-defined]
        assert page.status_code == 422
        assert notes(page.text) == {"code": "Ce champ est obligatoire.",
                                    "awarded_on": "Écrivez une vraie date sous la forme AAAA-MM-JJ, par exemple 2026-03-01.",
                                    "certificate_number": "Ce champ est obligatoire."}  # fmt: skip

    def test_another_centre_s_trainer_reaches_none_of_it(self, scene: Scene, signed_in: SignIn) -> None:
        client, awa = signed_in(scene.school_b), scene.trainees[0]
        assert client.get(f"/school/trainees/{awa.id}").status_code == 404
        assert client.post_form(f"/school/trainees/{awa.id}/grades", {"grade_0": "20"}).status_code == 404  # type: ignore[attr-defined]
        assert client.get("/officer/calendar").status_code == 403
