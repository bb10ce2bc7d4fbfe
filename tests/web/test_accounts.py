"""Disabling an account (the administrators' page): it cannot sign in, its sessions end, the reason is audited."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from core.audit import AuditEvent
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, user
from web.auth import service as auth_service
from web.auth.exceptions import DisableReasonRequired, OwnAccount
from web.auth.models import Role, User


def admin_browser(new_client: Callable[[], Client], session: Session) -> tuple[Client, User]:
    """Return a browser signed in as a new administrator, and the administrator."""
    admin = user(session, Role.admin)
    browser = new_client()
    browser.sign_in(admin.login, PASSWORD)
    return browser, admin


def test_an_admin_disables_an_account_and_enables_it_again(new_client: Callable[[], Client], session: Session) -> None:
    browser, admin = admin_browser(new_client, session)
    officer = user(session, Role.officer)
    officer_browser = new_client()
    officer_browser.sign_in(officer.login, PASSWORD)
    listed = browser.get("/officer/accounts", params={"q": officer.login})
    assert listed.status_code == 200 and officer.login in listed.text and f"/officer/accounts/{officer.id}/disable" in listed.text
    done = browser.post_form(f"/officer/accounts/{officer.id}/disable", {"reason": "a quitté le programme"})
    assert "Le compte est désactivé" in html.unescape(done.text)  # type: ignore[attr-defined]
    assert officer_browser.get("/officer", follow_redirects=False).status_code == 303  # signed out at once
    stranger = new_client()
    refused = stranger.post("/signin", data={"login": officer.login, "secret": PASSWORD, "csrf_token": stranger.csrf()})
    assert refused.status_code == 401 and "Identifiant ou mot de passe incorrect." in html.unescape(refused.text)
    session.expire_all()
    moves = select(AuditEvent).where(
        AuditEvent.entity == "user", AuditEvent.entity_id == officer.id, AuditEvent.action != "create"
    )
    event = session.exec(moves).one()
    assert (event.action, event.reason, event.actor_id) == ("disable", "a quitté le programme", admin.id)
    browser.post_form(f"/officer/accounts/{officer.id}/enable", {})
    new_client().sign_in(officer.login, PASSWORD)


def test_disabling_needs_a_reason_and_not_ones_own_account(new_client: Callable[[], Client], session: Session) -> None:
    browser, admin = admin_browser(new_client, session)
    officer = user(session, Role.officer)
    empty = browser.post_form(f"/officer/accounts/{officer.id}/disable", {"reason": "  "})
    assert empty.status_code == 422 and "Écrivez pourquoi ce compte est désactivé." in html.unescape(empty.text)  # type: ignore[attr-defined]
    own = browser.post_form(f"/officer/accounts/{admin.id}/disable", {"reason": "essai"})
    assert own.status_code == 422 and "votre propre compte" in html.unescape(own.text)  # type: ignore[attr-defined]
    session.expire_all()
    assert session.get(User, officer.id).active and session.get(User, admin.id).active  # type: ignore[union-attr]


def test_only_admins_reach_the_page(client: Client, session: Session) -> None:
    officer = user(session, Role.officer)
    client.sign_in(officer.login, PASSWORD)
    assert client.get("/officer/accounts").status_code == 403
    assert "/officer/accounts" not in client.get("/officer").text


class TestService:
    def test_disabling_twice_changes_and_audits_once(self, session: Session) -> None:
        trainee = user(session, Role.trainee, secret="123456")
        assert auth_service.set_access(session=session, user=trainee, active=False, by=None, reason="décédé")
        assert not auth_service.set_access(session=session, user=trainee, active=False, by=None, reason="décédé")
        session.commit()
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.action != "create")).all()
        assert [(e.action, e.trainee_id) for e in events] == [("disable", trainee.trainee_id)]

    def test_refusals(self, session: Session) -> None:
        admin = user(session, Role.admin)
        with pytest.raises(DisableReasonRequired):
            auth_service.set_access(session=session, user=admin, active=False, by=None, reason="")
        with pytest.raises(OwnAccount):
            auth_service.set_access(session=session, user=admin, active=False, by=admin.id, reason="essai")
