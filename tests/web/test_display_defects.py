"""Wording and display on the officers' pages (issue 13): no raw keys, names and dates written one way."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from tests.web.conftest import Client
from tests.web.test_officer_workspace import audit_setup, officer_in, review_setup
from web.labels import Labels


class TestLabels:
    def test_an_outbox_kind_reads_as_words(self) -> None:
        assert Labels("fr").notice("offer_accepted.officer") == "Proposition acceptée, à l'équipe"
        assert Labels("en").notice("placement_confirmed.trainee") == "Hiring confirmed, to the trainee"
        assert Labels("fr").notice("something_new.robot") == "something_new.robot"  # unknown: shown as is

    def test_a_training_module_reads_as_words(self) -> None:
        assert Labels("fr").module("securite_incendie") == "Securite incendie"
        assert Labels("fr").module("Droit du travail") == "Droit du travail"


def test_the_outbox_shows_no_raw_kind(client: Client, session: Session) -> None:
    officer_in(client, session)
    audit_setup(session)
    page = client.get("/officer/outbox").text
    assert "offer_made.trainee" not in page and "Proposition de poste, à l&#39;agent" in page


def test_the_review_writes_the_start_day_as_french_does(client: Client, session: Session) -> None:
    officer_in(client, session)
    s = review_setup(session)
    start = date(2027, 2, 1)
    s["post"].start_date = start
    session.add(s["post"])
    session.commit()
    page = client.get(f"/officer/vacancies/{s['post'].id}").text
    assert "01/02/2027" in page and "2027-02-01" not in page
    english = client.get(f"/officer/vacancies/{s['post'].id}?lang=en").text
    assert "1 Feb 2027" in english


def test_the_override_form_says_the_company_reads_the_reason(client: Client, session: Session) -> None:
    officer_in(client, session)
    s = review_setup(session)
    page = client.get(f"/officer/vacancies/{s['post'].id}").text
    assert "La société lira ce motif mot pour mot" in page
