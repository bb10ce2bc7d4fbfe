"""Signing in and out, sessions the server can revoke, CSRF, throttling."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from employers.models import EmployerStatus
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from web.auth import hashing
from web.auth import service as auth_service
from web.auth.models import Role
from web.deps import SESSION_COOKIE


class TestSignIn:
    def test_officer_signs_in_and_lands_on_the_officer_space(self, client: Client, session: Session) -> None:
        officer = user(session, Role.officer)
        response = client.post(
            "/signin",
            data={"login": officer.login.upper(), "secret": PASSWORD, "csrf_token": client.csrf()},
            follow_redirects=False,
        )
        assert response.status_code == 303 and response.headers["location"] == "/officer"
        cookie = response.headers["set-cookie"]
        assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie

    def test_wrong_password_is_refused_in_french(self, client: Client, session: Session) -> None:
        officer = user(session, Role.officer)
        response = client.post("/signin", data={"login": officer.login, "secret": "nope", "csrf_token": client.csrf()})
        assert response.status_code == 401 and "Identifiant ou mot de passe incorrect." in response.text

    def test_trainee_signs_in_with_phone_and_pin(self, client: Client, session: Session) -> None:
        trainee = user(session, Role.trainee, secret="123456", login="+22376543210")
        response = client.post(
            "/signin", data={"login": "76 54 32 10", "secret": "123456", "csrf_token": client.csrf()}, follow_redirects=False
        )
        assert response.status_code == 303 and trainee.login == "+22376543210"

    def test_employer_of_a_pending_company_cannot_sign_in(self, client: Client, session: Session) -> None:
        company = employer(session, status=EmployerStatus.pending)
        account = user(session, Role.employer, employer_id=company.id)
        response = client.post("/signin", data={"login": account.login, "secret": PASSWORD, "csrf_token": client.csrf()})
        assert response.status_code == 401  # as a wrong password: the answer does not tell the password was right


class TestHashParameters:
    SHIPPED = "$argon2id$v=19$m=19456,t=2,p=1$"  # OWASP's Argon2id configuration (web/auth/hashing.py)

    def test_an_old_hash_signs_in_and_is_stored_again_with_the_shipped_parameters(
        self, new_client: Callable[[], Client], session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(hashing, "HASHER", hashing.argon2id())  # the shipped hasher, not the tests' cheap one
        officer = user(session, Role.officer)
        old = hashing.argon2id(memory_kib=65536, time_cost=3, parallelism=4).hash(PASSWORD)  # pwdlib's recommended()
        officer.password_hash, changed_at = old, officer.password_changed_at
        session.add(officer)
        session.commit()
        new_client().sign_in(officer.login, PASSWORD)
        session.refresh(officer)
        rehashed = officer.password_hash
        assert rehashed.startswith(self.SHIPPED) and hashing.HASHER.verify(PASSWORD, rehashed)
        assert officer.password_changed_at == changed_at  # the same secret: no throttle or session is reset
        new_client().sign_in(officer.login, PASSWORD)
        session.refresh(officer)
        assert officer.password_hash == rehashed  # already at the shipped parameters: not hashed again

    def test_a_wrong_secret_leaves_an_old_hash_as_it_was(
        self, client: Client, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(hashing, "HASHER", hashing.argon2id())
        officer = user(session, Role.officer)
        old = hashing.argon2id(memory_kib=65536, time_cost=3, parallelism=4).hash(PASSWORD)
        officer.password_hash = old
        session.add(officer)
        session.commit()
        response = client.post("/signin", data={"login": officer.login, "secret": "wrong password", "csrf_token": client.csrf()})
        session.refresh(officer)
        assert response.status_code == 401 and officer.password_hash == old

    def test_new_secrets_are_hashed_with_the_shipped_parameters(self, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(hashing, "HASHER", hashing.argon2id())
        assert auth_service.hash_secret("123456").startswith(self.SHIPPED)


class TestCsrf:
    def test_form_without_token_is_refused(self, client: Client, session: Session) -> None:
        officer = user(session, Role.officer)
        response = client.post("/signin", data={"login": officer.login, "secret": PASSWORD})
        assert response.status_code == 403 and "La page a expiré" in response.text

    def test_api_call_without_header_is_refused(self, client: Client, session: Session) -> None:
        officer = user(session, Role.officer)
        client.csrf()
        response = client.post("/api/v1/session", json={"login": officer.login, "secret": PASSWORD})
        assert response.status_code == 403 and response.json()["code"] == "csrf"

    def test_api_call_with_header_is_accepted(self, client: Client, session: Session) -> None:
        officer = user(session, Role.officer)
        response = client.post(
            "/api/v1/session", json={"login": officer.login, "secret": PASSWORD}, headers={"X-CSRF-Token": client.csrf()}
        )
        assert response.status_code == 200 and response.json()["role"] == "officer"

    def test_a_bad_sign_in_body_answers_each_field_in_french_like_every_route(self, client: Client) -> None:
        response = client.post("/api/v1/session", json={"login": 12}, headers={"X-CSRF-Token": client.csrf()})
        assert response.status_code == 422
        assert response.json() == {"detail": {"login": "Cette valeur n'est pas valable.", "secret": "Ce champ est obligatoire."}}


class TestThrottle:
    def test_sixth_failed_sign_in_at_once_gets_429(self, client: Client, session: Session) -> None:
        officer = user(session, Role.officer)
        token = client.csrf()
        codes = [
            client.post("/signin", data={"login": officer.login, "secret": f"bad{i}", "csrf_token": token}).status_code
            for i in range(6)
        ]
        assert codes == [401] * 5 + [429]
        # Even the right password waits: the throttle is checked first (tests/web/test_throttle.py has the rest).
        assert client.post("/signin", data={"login": officer.login, "secret": PASSWORD, "csrf_token": token}).status_code == 429


class TestRevocation:
    def test_sign_out_revokes_the_cookie_on_the_server(self, new_client: Callable[[], Client], session: Session) -> None:
        officer = user(session, Role.officer)
        browser = new_client()
        browser.sign_in(officer.login, PASSWORD)
        stolen = browser.cookies.get(SESSION_COOKIE)
        browser.post_form("/signout", {})
        thief = new_client()
        thief.cookies.set(SESSION_COOKIE, stolen)
        assert thief.get("/account/password", follow_redirects=False).status_code == 303

    def test_password_change_signs_out_other_browsers(self, new_client: Callable[[], Client], session: Session) -> None:
        officer = user(session, Role.officer)
        first, second = new_client(), new_client()
        first.sign_in(officer.login, PASSWORD)
        second.sign_in(officer.login, PASSWORD)
        assert first.post_form("/account/password", {"current": PASSWORD, "new": "a brand new password"}).status_code == 200
        assert first.get("/account/password", follow_redirects=False).status_code == 200
        assert second.get("/account/password", follow_redirects=False).status_code == 303

    def test_disabled_account_is_signed_out(self, new_client: Callable[[], Client], session: Session) -> None:
        officer = user(session, Role.officer)
        browser = new_client()
        browser.sign_in(officer.login, PASSWORD)
        auth_service.set_active(session=session, user=officer, active=False)
        session.commit()
        assert browser.get("/account/password", follow_redirects=False).status_code == 303


class TestSessionTokens:
    def test_a_token_names_its_user_while_the_session_lives_and_the_account_is_active(self, session: Session) -> None:
        from datetime import timedelta

        from core.clock import utcnow
        from web.auth.models import AuthSession

        officer = user(session, Role.officer)
        token = auth_service.start_session(session=session, user=officer, hours=1)
        session.commit()
        assert auth_service.user_for_token(session=session, token=token) == officer
        assert auth_service.user_for_token(session=session, token=token + "x") is None
        auth = session.exec(select(AuthSession).where(AuthSession.user_id == officer.id)).one()
        auth.expires_at = utcnow() - timedelta(seconds=1)
        session.add(auth)
        session.commit()
        assert auth_service.user_for_token(session=session, token=token) is None  # ended
        auth.expires_at = utcnow() + timedelta(hours=1)
        officer.active = False
        session.add_all([auth, officer])
        session.commit()
        assert auth_service.user_for_token(session=session, token=token) is None  # the account is disabled


class TestTraineeSpace:
    def test_trainee_lands_on_their_profile(self, client: Client, session: Session) -> None:
        from tests.employers.factories import profile

        own = profile(session, home_town="Ségou")
        trainee = user(session, Role.trainee, secret="123456", trainee_id=own.id)
        client.sign_in(trainee.login, "123456")
        page = client.get("/trainee")
        assert page.status_code == 200 and "habite à Ségou." in page.text
        assert "I live in Ségou." in client.get("/trainee?lang=en").text


class TestParallelGuesses:
    def test_parallel_wrong_passwords_cannot_pass_the_limit(self, engine: Engine) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from web.app import create_app
        from web.db import get_session

        with Session(engine) as setup:
            login = user(setup, Role.officer).login
        app = create_app()

        def own_session() -> Iterator[Session]:
            with Session(engine) as db:
                yield db
                db.commit()

        app.dependency_overrides[get_session] = own_session
        browsers = [Client(app) for _ in range(24)]
        tokens = [b.csrf() for b in browsers]

        def guess(i: int) -> int:
            return int(
                browsers[i].post("/signin", data={"login": login, "secret": f"wrong{i}", "csrf_token": tokens[i]}).status_code
            )

        with ThreadPoolExecutor(max_workers=12) as pool:
            codes = list(pool.map(guess, range(24)))
        for browser in browsers:
            browser.close()
        assert set(codes) <= {401, 429} and codes.count(401) <= 5, codes


def test_session_cookie_is_secure_over_https(app: object, session: Session) -> None:
    officer = user(session, Role.officer)
    with Client(app, base_url="https://rdvm.example") as browser:  # type: ignore[arg-type]
        response = browser.post(
            "/signin", data={"login": officer.login, "secret": PASSWORD, "csrf_token": browser.csrf()}, follow_redirects=False
        )
    assert response.status_code == 303 and "Secure" in response.headers["set-cookie"]
