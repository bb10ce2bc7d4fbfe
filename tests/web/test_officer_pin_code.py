"""A forgotten PIN, from the officer's side (issue 13): the trainee's page sends them a reset code by SMS — the same
code, SMS and limits as "J'ai oublié mon code", with the officer named in the audit trail."""

from __future__ import annotations

from sqlmodel import Session, select

from core.audit import AuditEvent
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, user
from tests.web.test_trainee_pages import PIN, post, text_of, trainee
from tests.web.test_trainee_pin_reset import codes_sent
from web.auth import pin_reset
from web.auth.models import Role

__all__ = ["PIN"]


def officer_on(client: Client, session: Session) -> int:
    """Sign an officer in on `client`; return the officer's id."""
    officer = user(session, Role.officer)
    client.sign_in(officer.login, PASSWORD)
    return officer.id or 0


def test_the_officer_sends_a_code_the_trainee_uses_to_choose_a_pin(session: Session, client: Client) -> None:
    own, account = trainee(session)
    officer_id = officer_on(client, session)
    page = client.get(f"/officer/trainees/{own.id}").text
    assert f'action="/officer/trainees/{own.id}/pin/code"' in page
    refused = client.post(f"/officer/trainees/{own.id}/pin/code", data={}, follow_redirects=False)
    assert refused.status_code == 403 and codes_sent(session, account.login) == []  # no CSRF token: nothing sent
    sent = post(client, f"/officer/trainees/{own.id}/pin/code")
    assert sent.status_code == 303 and sent.headers["location"].endswith("done=pin_code_sent#account")
    assert "Le code est parti par SMS" in text_of(client.get(sent.headers["location"]).text)
    [code] = codes_sent(session, account.login)
    asked = select(AuditEvent.actor_id).where(AuditEvent.action == "pin_reset_requested", AuditEvent.entity_id == account.id)
    assert list(session.exec(asked)) == [officer_id]
    pin_reset.reset_with_code(session=session, phone=account.login, code=code, new_pin="654321")  # the trainee's own path
    session.commit()


def test_the_officer_meets_the_same_limits_and_is_told_so(session: Session, client: Client) -> None:
    own, account = trainee(session)
    officer_on(client, session)
    for _ in range(pin_reset.PER_ACCOUNT):
        assert post(client, f"/officer/trainees/{own.id}/pin/code").status_code == 303
    over = post(client, f"/officer/trainees/{own.id}/pin/code")
    assert over.status_code == 429 and "Trop de codes envoyés" in text_of(over.text)
    assert len(codes_sent(session, account.login)) == pin_reset.PER_ACCOUNT


def test_no_account_no_code(session: Session, client: Client) -> None:
    own, account = trainee(session)
    account.active = False
    session.add(account)
    session.commit()
    officer_on(client, session)
    assert f"/officer/trainees/{own.id}/pin/code" not in client.get(f"/officer/trainees/{own.id}").text
    answer = post(client, f"/officer/trainees/{own.id}/pin/code")
    assert answer.status_code == 409 and "pas d'accès actif" in text_of(answer.text)
    assert codes_sent(session, account.login) == []
