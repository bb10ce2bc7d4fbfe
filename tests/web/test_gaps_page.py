"""The training gaps page (officers and the school): what one certification, language level, licence or town would open."""

from __future__ import annotations

from sqlmodel import Session

from employers import gaps as gaps_service
from employers.models import VacancyStatus
from profiles import cohorts
from tests.employers.factories import profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role


def scene(session: Session) -> None:
    """Two open SSIAP1 posts in Bamako (3 seats), a closed one (5 seats, not counted), three trainees."""
    firm = employer(session, name="Sahel Garde")
    stored_vacancy(session, firm, title="Agent SSIAP", required_certifications=["SSIAP1"], seats=2)
    stored_vacancy(session, firm, title="Agent SSIAP", required_certifications=["SSIAP1"], seats=1)
    stored_vacancy(session, firm, title="Fermée", required_certifications=["SSIAP1"], seats=5, status=VacancyStatus.closed)
    profile(session, full_name="Bakary Keita", certifications=[])  # one SSIAP1 away from both open posts
    profile(session, full_name="Awa Traoré", certifications=[])  # the same
    profile(session, full_name="Coumba Sow", certifications=[], home_town="Kayes")  # two rules: no gap


def test_the_service_counts_trainees_and_free_seats_of_open_vacancies(session: Session) -> None:
    scene(session)
    found = gaps_service.training_gaps(session=session, lang="fr")
    assert [(g.kind, g.code, g.trainees, g.vacancies, g.seats) for g in found] == [("certification", "SSIAP1", 2, 2, 3)]
    assert found[0].sentence == "2 stagiaire(s) à un SSIAP1 de 3 place(s) ouverte(s) (2 offre(s))"


def test_officers_and_the_school_see_the_page(client: Client, session: Session) -> None:
    scene(session)
    officer = user(session, Role.officer)
    client.sign_in(officer.login, PASSWORD)
    page = client.get("/officer/gaps?lang=en").text
    assert "Training needs" in page and "2 trainee(s) one SSIAP1 away from 3 open seat(s) (2 vacancies)" in page
    assert "Bakary Keita" not in page  # counts only


def test_the_school_sees_the_same_counts(client: Client, session: Session) -> None:
    scene(session)
    made = cohorts.create_cohort(session=session, data={"code": "2026-A", "centre": "Centre A"})
    session.commit()
    trainer = user(session, Role.school, centre_id=made.centre_id)
    client.sign_in(trainer.login, PASSWORD)
    page = client.get("/school/gaps").text
    assert "Besoins de formation" in page and "2 stagiaire(s) à un SSIAP1 de 3 place(s) ouverte(s) (2 offre(s))" in page
    assert "Sahel Garde" not in page  # no employer data for the school
