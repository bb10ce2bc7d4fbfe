"""The company's own account: its name in the header, its details (audited), colleagues it invites, forgotten passwords."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session, col, select

from core.audit import AuditEvent
from core.clock import utcnow
from employers.models import CompanyInvitation, Employer, OutboxMessage
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, user
from tests.web.test_employers import signed_in_employer
from web.auth.models import PasswordReset, Role, User

NEW_PASSWORD = "un tout nouveau mot de passe"


def sent_link(session: Session, kind: str, to: str) -> str:
    """Return the path of the link in the last e-mail of this kind to this address."""
    session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.kind == kind, OutboxMessage.recipient_email == to)
    message = session.exec(query.order_by(col(OutboxMessage.id).desc())).first()
    assert message is not None, f"no {kind} e-mail to {to}"
    found = re.search(r"http://127\.0\.0\.1:8000(/\S+)", message.email_body)
    assert found, message.email_body
    return found.group(1)


def messages(session: Session, kind: str) -> int:
    session.expire_all()
    return len(session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)).all())


def test_the_header_names_the_company_and_its_details_are_edited_and_audited(client: Client, session: Session) -> None:
    company = signed_in_employer(client, session, name="Sahel Garde SARL")
    assert '<a href="/employer/company" class="company-name">Sahel Garde SARL</a>' in client.get("/employer").text
    typed = {"name": "Sahel Garde SA", "town": "Kati", "contact_name": "Awa Diarra", "phone": "pas un numéro",
             "email": "rh@sahelgarde.ml"}  # fmt: skip
    wrong = client.post_form("/employer/company", typed)
    assert wrong.status_code == 422 and 'name="phone"' in wrong.text and "pas un numéro" in wrong.text
    assert "Écrivez un numéro de téléphone valable" in wrong.text
    saved = client.post_form("/employer/company", {**typed, "phone": "76 12 34 56"})
    assert saved.status_code == 200 and "Les informations de la société sont enregistrées." in saved.text
    assert 'class="company-name">Sahel Garde SA</a>' in saved.text
    session.expire_all()
    stored = session.get(Employer, company.id)
    assert stored is not None and (stored.name, stored.town, stored.phone) == ("Sahel Garde SA", "Kati", "+22376123456")
    [event] = session.exec(select(AuditEvent).where(AuditEvent.entity == "employer", AuditEvent.action == "edit")).all()
    assert event.employer_id == company.id and event.details == {"fields": ["email", "name", "phone", "town"]}


def test_a_colleague_invited_by_the_company_sets_a_password_once(
    client: Client, new_client: Callable[[], Client], session: Session
) -> None:
    company = signed_in_employer(client, session)
    asked = client.post_form("/employer/company/invitations", {"full_name": "Moussa Traoré", "email": "Moussa@Sahel.ml"})
    assert asked.status_code == 200 and "L&#39;invitation est envoyée par e-mail" in asked.text
    link = sent_link(session, "colleague_invited.employer", "moussa@sahel.ml")
    [invitation] = session.exec(select(CompanyInvitation)).all()
    assert link.split("/")[-1] not in invitation.digest  # only the digest is stored

    colleague = new_client()
    assert "Moussa Traoré" in colleague.get(link).text
    short = colleague.post_form(link, {"password": "court"})
    assert short.status_code == 422 and "au moins 10 caractères" in short.text
    joined = colleague.post_form(link, {"password": NEW_PASSWORD}, follow_redirects=False)
    assert joined.status_code == 303 and joined.headers["location"] == "/signin?done=joined"
    colleague.sign_in("moussa@sahel.ml", NEW_PASSWORD)
    assert "Mes offres" in colleague.get("/employer").text
    account = session.exec(select(User).where(User.login == "moussa@sahel.ml")).one()
    assert (account.employer_id, account.role) == (company.id, Role.employer)
    assert new_client().get(link).status_code == 410  # single use
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity == "company_invitation")).all()
    assert sorted(actions) == ["accept", "invite"]


def test_an_expired_invitation_and_a_taken_address_are_refused(client: Client, session: Session) -> None:
    signed_in_employer(client, session)
    taken = client.post_form("/employer/company/invitations", {"full_name": "X", "email": user(session, Role.officer).login})
    assert taken.status_code == 422 and "Un compte utilise déjà cette adresse e-mail." in taken.text
    client.post_form("/employer/company/invitations", {"full_name": "Awa", "email": "awa@sahel.ml"})
    link = sent_link(session, "colleague_invited.employer", "awa@sahel.ml")
    invitation = session.exec(select(CompanyInvitation)).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    session.add(invitation)
    session.commit()
    assert client.get(link).status_code == 410


def test_forgot_password_answers_alike_and_the_link_works_once(
    client: Client, new_client: Callable[[], Client], session: Session
) -> None:
    account = user(session, Role.employer, login="rh@sahel.ml", employer_id=signed_in_employer(client, session).id)
    unknown = new_client().post_form("/account/forgot", {"login": "nobody@nowhere.ml"})
    known = new_client().post_form("/account/forgot", {"login": "RH@sahel.ml"})
    assert unknown.status_code == known.status_code == 200
    said = re.compile(r'<p class="ok" role="status">.*?</p>', re.S)
    assert said.findall(unknown.text) == said.findall(known.text) != []
    assert messages(session, "password_reset.user") == 1
    new_client().post_form("/account/forgot", {"login": "rh@sahel.ml"})  # again at once: no second e-mail
    assert messages(session, "password_reset.user") == 1

    link = sent_link(session, "password_reset.user", "rh@sahel.ml")
    stranger = new_client()
    assert stranger.post_form(link, {"new": "court"}).status_code == 422
    done = stranger.post_form(link, {"new": NEW_PASSWORD}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/signin?done=password_reset"
    assert stranger.get(link).status_code == 410 and stranger.post_form(link, {"new": NEW_PASSWORD}).status_code == 410
    stranger.sign_in(account.login, NEW_PASSWORD)
    assert client.get("/employer", follow_redirects=False).status_code == 200  # another account's session is untouched


def test_an_expired_reset_link_and_trainees_get_nothing(client: Client, session: Session) -> None:
    trainee = user(session, Role.trainee, secret="123456")
    client.post_form("/account/forgot", {"login": trainee.login})
    officer = user(session, Role.officer)
    client.post_form("/account/forgot", {"login": officer.login})
    assert messages(session, "password_reset.user") == 1
    link = sent_link(session, "password_reset.user", officer.login)
    reset = session.exec(select(PasswordReset)).one()
    reset.expires_at = utcnow()
    session.add(reset)
    session.commit()
    assert client.post_form(link, {"new": NEW_PASSWORD}).status_code == 410
    client.sign_in(officer.login, PASSWORD)  # the old password still works
