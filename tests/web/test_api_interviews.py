"""Interviews in the JSON API (issue 13): the company reads and sets a candidate's interview with the same checks as
the candidate card's form, and the offers list shows it."""

from __future__ import annotations

from datetime import timedelta

from core.clock import utcnow
from tests.web.factories import employer, user
from tests.web.test_employer_interview import asked_for
from tests.web.test_employer_offers import Hiring, hiring
from tests.web.test_employers import api
from tests.web.test_notice_recipients import last_id, sent
from web.auth.models import Role

__all__ = ["hiring"]  # the fixture, used by name below


def test_the_company_sets_reads_and_changes_an_interview(hiring: Hiring) -> None:
    h = hiring
    code, _ = asked_for(h)
    url = f"/api/v1/vacancies/{h.vacancy.id}/candidates/{code}/interview"
    assert api(h.client, "GET", url).status_code == 404  # none set yet
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    mark = last_id(h.session)
    put = api(h.client, "PUT", url, json={"interview_day": day, "interview_hour": "09:30", "interview_place": "Siège  ACI"})
    assert put.status_code == 200, put.text
    said = put.json()
    assert (
        said["state"] == "interview"
        and said["interview_at"].startswith(f"{day}T09:30")
        and said["interview_place"] == "Siège ACI"
    )
    assert {kind for kind, _ in sent(h.session, mark)} == {"interview_scheduled.trainee", "interview_scheduled.officer"}
    assert api(h.client, "GET", url).json() == said
    listed = api(h.client, "GET", f"/api/v1/vacancies/{h.vacancy.id}/offers").json()
    assert [(o["trainee_code"], o["interview_place"]) for o in listed] == [(code, "Siège ACI")]
    moved = api(h.client, "PUT", url, json={"interview_day": day, "interview_hour": "15:00", "interview_place": "Bureau"})
    assert moved.status_code == 200 and moved.json()["interview_at"].startswith(f"{day}T15:00")


def test_the_api_checks_the_interview_as_the_form_does(hiring: Hiring) -> None:
    h = hiring
    code, _ = asked_for(h)
    url = f"/api/v1/vacancies/{h.vacancy.id}/candidates/{code}/interview"
    wrong = api(h.client, "PUT", url, json={"interview_day": "2020-01-01", "interview_hour": "09:30", "interview_place": ""})
    assert wrong.status_code == 422
    assert wrong.json()["detail"] == {"interview_day": "Choisissez une date et une heure à venir.",
                                      "interview_place": "Ce champ est obligatoire."}  # fmt: skip
    day = (utcnow() + timedelta(days=1)).date().isoformat()
    good = {"interview_day": day, "interview_hour": "10:00", "interview_place": "Siège"}
    not_asked, _ = h.trainee(phone="+22365000001")
    refused = api(h.client, "PUT", f"/api/v1/vacancies/{h.vacancy.id}/candidates/{not_asked.code}/interview", json=good)
    assert refused.status_code == 409  # a candidate the company did not ask for, as on the page
    assert api(h.client, "PUT", url, json=good).status_code == 200
    stranger = employer(h.session)
    h.client.cookies.clear()
    h.client.sign_in(user(h.session, Role.employer, employer_id=stranger.id).login, "correct horse battery")
    assert api(h.client, "GET", url).status_code == 404 and api(h.client, "PUT", url, json=good).status_code == 404
    no_token = h.client.put(url, json=good)
    assert no_token.status_code == 403
