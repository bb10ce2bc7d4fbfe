"""The officers' import page takes the programme's history too: cohorts, placements and follow-ups, previewed with
every error, imported on confirmation through the same pipeline as `rdvm import` (and audited with the officer)."""

from __future__ import annotations

from sqlmodel import Session, select

from core.audit import AuditEvent
from employers.models import FollowUp, Placement
from tests.employers.factories import profile
from tests.web.conftest import Client
from tests.web.test_officer_trainees import confirm, count, payload_of, signed_in_officer, upload

PLACEMENTS = """id,trainee_id,employer,level,start_date,end_date,end_reason,salary_fcfa_month
P-1,T-1,Sahel Garde,guard,2026-01-05,,,50000
"""
FOLLOWUPS = """placement_id,month,done_on,reached,employment
P-1,5,2026-02-05,true,same_employer
P-1,1,2026-02-05,true,
P-9,3,2026-04-05,false,
"""


def test_a_placements_file_is_guessed_previewed_and_imported_with_its_audit_event(client: Client, session: Session) -> None:
    officer = signed_in_officer(client, session)
    profile(session, id="T-1")
    page = upload(client, "placements.csv", PLACEMENTS)
    assert page.status_code == 200, page.text
    assert "Des placements (historique)" in page.text and "L&#39;import créera 1 fiche(s) et en mettra 0 à jour." in page.text
    assert count(session, Placement) == 0
    done = confirm(client, payload_of(page.text))
    assert done.status_code == 303
    stored = session.exec(select(Placement)).one()
    assert (stored.code, stored.offer_id, stored.confirmed_by, stored.salary_fcfa_month) == ("P-1", None, None, 50_000)
    event = session.exec(select(AuditEvent).where(AuditEvent.entity == "import")).one()
    assert event.actor_id == officer.id and event.details and event.details["created"] == 1
    again = upload(client, "placements.csv", PLACEMENTS)
    assert "1 fiche(s) identique(s) à celles enregistrées ne changeront pas." in again.text


def test_a_bad_follow_up_file_shows_every_error_and_offers_no_confirmation(client: Client, session: Session) -> None:
    signed_in_officer(client, session)
    page = upload(client, "suivis.csv", FOLLOWUPS, kind="followups")
    assert page.status_code == 422
    text = " ".join(page.text.split())
    assert "Des suivis après placement (historique)" in text and "3 erreur(s) : rien ne sera importé." in text
    assert "must be 1, 3, 6 or 12 (got 5)" in text and "is required when reached is true" in text
    assert "no placement of the database has the id &#39;P-9&#39;" in text
    assert 'name="payload"' not in page.text and count(session, FollowUp) == 0
