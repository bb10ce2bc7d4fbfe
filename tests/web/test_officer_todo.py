"""The officer's to-do list (issue 13): what waits on them — overdue answers, offers about to expire, companies'
requests, acceptances to confirm, follow-ups, applications — most urgent first, each item linking to where it is done."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from core.clock import utcnow
from employers import dashboard
from employers.models import EmployerStatus, OfferOrigin, OfferState
from tests.employers.factories import offer_in, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import employer
from tests.web.test_officer_workspace import officer_in, part, placed, text_of


def test_the_to_do_list_says_what_waits_most_urgent_first_with_links(client: Client, session: Session) -> None:
    officer = officer_in(client, session)
    firm = employer(session, name="Sahel Garde")
    employer(session, name="Nouvelle Garde", status=EmployerStatus.pending)
    post = stored_vacancy(session, firm, title="Agent de jour", seats=9)
    now = utcnow()
    names = ("Late", "Soon", "Later", "Asked", "Yes", "Hired")
    late, soon, later, asked, yes, hired = (profile(session, full_name=n, phone=f"+2237600000{i}") for i, n in enumerate(names))
    overdue = offer_in(session, post, late, OfferState.offered, by=officer, expires_at=now - timedelta(hours=3))
    expiring = offer_in(session, post, soon, OfferState.offered, by=officer, expires_at=now + timedelta(hours=20))
    offer_in(session, post, later, OfferState.offered, by=officer, expires_at=now + timedelta(days=6))  # not yet a worry
    offer_in(session, post, asked, OfferState.shortlisted, by=officer, origin=OfferOrigin.employer_request)
    accepted = offer_in(session, post, yes, OfferState.accepted, by=officer, answered_at=now - timedelta(days=1))
    job = placed(session, post, hired, officer)
    job.start_date = date.today() - timedelta(days=40)  # its 1-month follow-up fell due
    session.add(job)
    session.commit()

    groups = dashboard.dashboard(session=session).to_do()
    assert [(g.kind, g.section.count) for g in groups] == [
        ("overdue_answers", 1), ("expiring", 1), ("requests", 1), ("to_confirm", 1), ("follow_ups", 1), ("applications", 1)
    ]  # fmt: skip
    page = client.get("/officer").text
    todo = part(page, "todo")
    assert page.index('id="todo"') < page.index('id="overdue"')  # first thing on the dashboard
    assert f'href="/officer/vacancies/{post.id}#offer-{overdue.id}"' in part(todo, "todo-overdue_answers")
    assert f'href="/officer/vacancies/{post.id}#offer-{expiring.id}"' in part(todo, "todo-expiring")
    assert 'href="tel:+22376000001"' in part(todo, "todo-expiring") and "Later" not in todo
    assert f'href="/officer/vacancies/{post.id}#t{asked.id}"' in part(todo, "todo-requests")
    assert f'href="/officer/vacancies/{post.id}#offer-{accepted.id}"' in part(todo, "todo-to_confirm")
    assert f'href="/officer/placements/{job.id}/followups/1"' in part(todo, "todo-follow_ups")
    assert 'href="/officer/applications"' in part(todo, "todo-applications")
    assert "Propositions qui expirent bientôt : rappeler l'agent 1" in text_of(todo)


def test_a_long_group_shows_five_and_links_to_all(client: Client, session: Session) -> None:
    officer = officer_in(client, session)
    post = stored_vacancy(session, employer(session), seats=9)
    for n in range(7):
        offer_in(session, post, profile(session, full_name=f"Agent {n}"), OfferState.shortlisted, by=officer,
                 origin=OfferOrigin.employer_request)  # fmt: skip
    requests = part(part(client.get("/officer").text, "todo"), "todo-requests")
    assert requests.count("<li>") == 5 and 'href="/officer?full=requested#todo-requests"' in requests
    whole = part(part(client.get("/officer?full=requested").text, "todo"), "todo-requests")
    assert whole.count("<li>") == 7 and "full=requested" not in whole


def test_nothing_waiting_says_so(client: Client, session: Session) -> None:
    officer_in(client, session)
    assert "Rien n'attend de vous pour le moment." in text_of(part(client.get("/officer").text, "todo"))
