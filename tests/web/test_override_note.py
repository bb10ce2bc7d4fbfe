"""An override's two texts (issue 13): the reason the company reads word for word, and a private note the officers keep;
the form says which is shown to whom, and a refused override comes back at its form (fragment, focus, error linked)."""

from __future__ import annotations

from sqlmodel import Session, select

from employers import offers
from employers.models import Offer, OutboxMessage
from profiles.models import TraineeProfile
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, user
from tests.web.test_employer_offers import Hiring, hiring
from tests.web.test_officer_workspace import officer_in, part, review_setup, text_of
from web import privacy
from web.auth.models import Role

__all__ = ["hiring"]  # the fixture, used by name below

REASON = "Trois ans au Maroc, attestations en cours de traduction"
NOTE = "Dossier médical à revoir avec lui avant la prise de poste"


def test_the_form_says_who_reads_which_text(client: Client, session: Session) -> None:
    officer_in(client, session)
    s = review_setup(session)
    form = text_of(part(client.get(f"/officer/vacancies/{s['post'].id}").text, f"t{s['novice'].id}"))
    assert "Motif montré à la société" in form and "La société lira ce motif mot pour mot" in form
    assert "Note privée (facultative)" in form and "conseillers seulement : ni la société ni l'agent ne la voient." in form


def test_the_private_note_is_kept_apart_and_shown_to_officers_only(hiring: Hiring) -> None:
    row, _account = hiring.trainee(home_town="Gao")
    made = offers.propose_offer(session=hiring.session, vacancy_id=hiring.vacancy.id or 0, trainee_id=row.id or 0,
                                by=hiring.officer.actor, override=True, override_reason=REASON, override_note=NOTE)  # fmt: skip
    hiring.session.commit()
    assert (made.override_reason, made.override_note) == (REASON, NOTE)
    company_page = hiring.page()
    assert REASON.replace("'", "&#39;") in company_page and NOTE not in company_page
    api = hiring.client.get(f"/api/v1/vacancies/{hiring.vacancy.id}/offers")
    assert api.status_code == 200 and REASON in api.text and NOTE not in api.text
    assert all(NOTE not in (m.sms_text + (m.email_body or "")) for m in hiring.session.exec(select(OutboxMessage)))
    officer = user(hiring.session, Role.officer)
    hiring.client.sign_in(officer.login, PASSWORD)
    shown = text_of(part(hiring.client.get(f"/officer/vacancies/{hiring.vacancy.id}").text, f"offer-{made.id}"))
    assert f"motif montré à la société : {REASON}" in shown and f"Note privée (conseillers seulement) : {NOTE}" in shown
    person = hiring.session.get_one(TraineeProfile, row.id)
    privacy.erase(session=hiring.session, code=person.code, reason="demande", by=officer.id)
    hiring.session.commit()
    hiring.session.expire_all()
    assert hiring.session.get_one(Offer, made.id).override_note is None


def test_a_refused_override_comes_back_at_its_form_with_the_focus_on_the_field(client: Client, session: Session) -> None:
    officer_in(client, session)
    s = review_setup(session)
    novice = s["novice"].id
    page = client.get(f"/officer/vacancies/{s['post'].id}").text
    assert f'action="/officer/vacancies/{s["post"].id}/trainees/{novice}/offer#override-{novice}-reason"' in page
    missing = client.post_form(f"/officer/vacancies/{s['post'].id}/trainees/{novice}/offer",
                               {"override": "1", "override_reason": " ", "override_note": NOTE})  # fmt: skip
    assert missing.status_code == 422  # type: ignore[attr-defined]
    answer = missing.text  # type: ignore[attr-defined]
    form = part(answer, f"override-{novice}")
    assert f'id="override-{novice}-reason"' in form and "autofocus" in form and NOTE in form  # the note typed is kept
    assert answer.count("autofocus") == 1
    assert f'href="#override-{novice}-reason"' in part(answer, "main")  # the alert at the top links to the field
    assert session.exec(select(Offer).where(Offer.trainee_id == novice)).first() is None
