"""Officers' and companies' pages of the follow-up after placement: ending a contract, follow-ups, confirmations."""

from __future__ import annotations

import html
import re
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
