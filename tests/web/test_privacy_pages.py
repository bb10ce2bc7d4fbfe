"""The privacy pages: the public notice, the officer's consent form, export and erasure (with confirmation), the
trainee's withdrawal from their phone, the admin's account switch, and no-store on pages with personal data."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from core.audit import AuditEvent
from employers.models import OfferState
from profiles.models import Consent, ProfileView, TraineeProfile
from tests.employers.factories import offer_in, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role, User

PIN = "135790"


def officer_client(client: Client, session: Session) -> User:
    """Sign the client in as a new officer."""
    officer = user(session, Role.officer)
    client.sign_in(officer.login, PASSWORD)
    return officer


def test_privacy_notice_is_public_in_french_and_english(client: Client) -> None:
    french = client.get("/privacy")
    assert french.status_code == 200 and "loi n° 2013-015" in french.text and "APDP" in french.text
    english = client.get("/privacy?lang=en")
    assert "What we keep" in english.text and "Act No. 2013-015" in english.text


def test_officer_records_consent_with_its_document_and_the_view_is_logged(client: Client, session: Session) -> None:
    officer = officer_client(client, session)
    person = profile(session, consent=False)
    page = client.get(f"/officer/trainees/{person.id}")
    assert page.headers["Cache-Control"] == "no-store"
    done = client.post_form(f"/officer/trainees/{person.id}/consent",
                            {"scopes": "share", "given": "1", "document": "FC-2026-031"}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303  # type: ignore[attr-defined]
    session.expire_all()
    rows = session.exec(select(Consent).where(Consent.trainee_id == person.id)).all()
    assert [(r.scope, r.given, r.document, r.recorded_by) for r in rows] == [("share", True, "FC-2026-031", officer.id)]
    assert session.get(TraineeProfile, person.id).consent_to_share  # type: ignore[union-attr]
    views = session.exec(select(ProfileView).where(ProfileView.trainee_id == person.id)).all()
    assert [(v.viewer_id, v.page) for v in views] == [(officer.id, "officer_trainee")]
    refused = client.post_form(f"/officer/trainees/{person.id}/consent", {"given": "1"})
    assert refused.status_code == 422  # type: ignore[attr-defined]


def test_export_json_and_page(client: Client, session: Session) -> None:
    officer_client(client, session)
    person = profile(session, full_name="Fanta Keïta <b>")
    exported = client.get(f"/officer/trainees/{person.id}/export.json")
    assert exported.headers["Cache-Control"] == "no-store"
    assert json.loads(exported.text)["profile"]["full_name"] == "Fanta Keïta <b>"
    page = client.get(f"/officer/trainees/{person.id}/export")
    assert "Fanta Keïta &lt;b&gt;" in page.text and "<b>" not in page.text.split("<body>")[1].split("</h1>")[1][:200]


def test_erasure_needs_the_code_typed_again_and_a_reason(client: Client, session: Session) -> None:
    officer_client(client, session)
    person = profile(session, full_name="Oumar Sangaré", phone="+22376000001")
    wrong = client.post_form(f"/officer/trainees/{person.id}/erase", {"confirm": "T-0", "reason": "demande"})
    assert wrong.status_code == 422  # type: ignore[attr-defined]
    session.expire_all()
    assert session.get(TraineeProfile, person.id).full_name == "Oumar Sangaré"  # type: ignore[union-attr]
    done = client.post_form(f"/officer/trainees/{person.id}/erase", {"confirm": person.code, "reason": "demande"},
                            follow_redirects=False)  # fmt: skip
    assert done.status_code == 303  # type: ignore[attr-defined]
    session.expire_all()
    erased = session.get(TraineeProfile, person.id)
    assert erased is not None and erased.full_name == "—" and erased.phone is None


def test_trainee_withdraws_sharing_from_their_phone_at_once(client: Client, session: Session) -> None:
    person = profile(session, consent=True, phone="+22376000002")
    account = user(session, Role.trainee, secret=PIN, trainee_id=person.id, login="+22376000002")
    client.sign_in(account.login, PIN)
    page = client.get("/trainee/consent")
    assert page.headers["Cache-Control"] == "no-store" and "Arrêter" in page.text
    done = client.post_form("/trainee/consent/withdraw", {"scope": "share"}, follow_redirects=False)
    assert done.status_code == 303  # type: ignore[attr-defined]
    session.expire_all()
    assert not session.get(TraineeProfile, person.id).consent_to_share  # type: ignore[union-attr]
    event = session.exec(select(AuditEvent).where(AuditEvent.trainee_id == person.id, AuditEvent.action == "consent")).one()
    assert (event.actor_id, event.to_state) == (account.id, "withdrawn")


def test_a_company_opening_an_offer_is_in_the_view_log(client: Client, session: Session) -> None:
    company = employer(session)
    boss = user(session, Role.employer, employer_id=company.id)
    officer = user(session, Role.officer)
    person = profile(session)
    offer = offer_in(session, stored_vacancy(session, company), person, OfferState.accepted, by=officer)
    client.sign_in(boss.login, PASSWORD)
    assert client.get(f"/employer/offers/{offer.id}").status_code == 200
    session.expire_all()
    views = session.exec(select(ProfileView).where(ProfileView.trainee_id == person.id)).all()
    assert [(v.viewer_id, v.employer_id, v.page) for v in views] == [(boss.id, company.id, "company_offer")]
