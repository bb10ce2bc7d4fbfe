"""Nothing waits invisibly (issue 13): once a trainee accepts, the officers' dashboard and the company's list show it
as "accepted — to confirm" until the company confirms or turns the trainee down."""

from __future__ import annotations

from employers import dashboard
from tests.web.factories import PASSWORD
from tests.web.test_employer_offers import Hiring, hiring
from tests.web.test_officer_workspace import section

__all__ = ["hiring"]  # the fixture, used by name below


def test_an_acceptance_waits_visibly_until_the_company_confirms(hiring: Hiring) -> None:
    offer = hiring.accepted()
    assert [item.offer.id for item in dashboard.dashboard(session=hiring.session).to_confirm.rows] == [offer.id]
    assert "1 acceptée — à confirmer" in hiring.client.get("/employer").text
    hiring.confirm(offer)
    assert "à confirmer" not in hiring.client.get("/employer").text
    assert dashboard.dashboard(session=hiring.session).to_confirm.count == 0


def test_the_officers_dashboard_lists_the_acceptances_to_confirm(hiring: Hiring) -> None:
    hiring.accepted()
    hiring.client.sign_in(hiring.officer.login, PASSWORD)
    page = hiring.client.get("/officer").text
    listed = section(page, "accepted")
    assert "Acceptées — à confirmer par la société (1)" in listed and "Moussa Traoré" in listed
