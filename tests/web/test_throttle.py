"""Sign-in throttling that rotating phones or addresses cannot bypass: per account, per address, and all PINs together.

Times are given to the service (`now=`), never waited for.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from core.clock import utcnow
from employers.models import EmployerStatus
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from web.auth import service as auth_service
from web.auth import throttle
from web.auth.exceptions import InvalidCredentials, TooManyAttempts
from web.auth.models import AuthSession, Role, SignInAttempt, User

PIN = "246810"
T0 = datetime(2027, 3, 1, 8, 0, tzinfo=utcnow().tzinfo)
README = Path(__file__).parents[2] / "README.md"


def guess(session: Session, login: str, *, at: datetime, secret: str = "000000", client: str = "10.0.0.1") -> str:
    """Try to sign in at a moment; return "in", "wrong" or "wait", with the request's transaction committed."""
    try:
        auth_service.authenticate(session=session, login=login, secret=secret, client=client, now=at)
        outcome = "in"
    except InvalidCredentials:
        outcome = "wrong"
    except TooManyAttempts:
        outcome = "wait"
    session.commit()
    return outcome


def stored(session: Session) -> int:
    session.expire_all()
    return int(session.exec(select(func.count()).select_from(SignInAttempt)).one())


@pytest.fixture
def trainee(session: Session) -> User:
    account = user(session, Role.trainee, secret=PIN)
    account.password_changed_at = T0 - timedelta(days=30)
    session.add(account)
    session.commit()
    return account


class TestPerAccount:
    def test_five_at_once_then_waits_that_double(self, session: Session, trainee: User) -> None:
        assert [guess(session, trainee.login, at=T0) for _ in range(6)] == ["wrong"] * 5 + ["wait"]
        assert guess(session, trainee.login, at=T0 + timedelta(seconds=59)) == "wait"
        assert guess(session, trainee.login, at=T0 + timedelta(minutes=1)) == "wrong"  # the 6th, after 1 min
        assert guess(session, trainee.login, at=T0 + timedelta(minutes=2)) == "wait"  # the 7th waits 2 min
        assert guess(session, trainee.login, at=T0 + timedelta(minutes=3)) == "wrong"

    def test_the_right_pin_waits_too_then_works(self, session: Session, trainee: User) -> None:
        for _ in range(5):
            guess(session, trainee.login, at=T0)
        assert guess(session, trainee.login, at=T0, secret=PIN) == "wait"
        assert guess(session, trainee.login, at=T0 + timedelta(minutes=1), secret=PIN) == "in"

    def test_refused_tries_are_not_kept_and_do_not_prolong_the_wait(self, session: Session, trainee: User) -> None:
        for _ in range(5):
            guess(session, trainee.login, at=T0)
        refused = [guess(session, trainee.login, at=T0 + timedelta(seconds=s)) for s in range(0, 60, 2)]
        assert set(refused) == {"wait"} and stored(session) == 5
        assert guess(session, trainee.login, at=T0 + timedelta(minutes=1), secret=PIN) == "in"

    def test_one_phone_from_many_addresses_meets_the_account_wait(self, session: Session, trainee: User) -> None:
        tries = [guess(session, trainee.login, at=T0, client=f"203.0.113.{i}") for i in range(1, 8)]
        assert tries == ["wrong"] * 5 + ["wait"] * 2

    def test_a_new_pin_from_the_officer_ends_the_wait(self, session: Session, trainee: User) -> None:
        for _ in range(6):
            guess(session, trainee.login, at=T0)
        trainee.password_changed_at = T0 + timedelta(seconds=10)
        trainee.password_hash = auth_service.hash_secret("135790")
        session.add(trainee)
        session.commit()
        assert guess(session, trainee.login, at=T0 + timedelta(seconds=20), secret="135790") == "in"

    def test_failures_older_than_a_day_no_longer_count(self, session: Session, trainee: User) -> None:
        for _ in range(6):
            guess(session, trainee.login, at=T0)
        assert guess(session, trainee.login, at=T0 + throttle.ACCOUNT.window + timedelta(seconds=1), secret=PIN) == "in"


class TestPerAddress:
    def test_rotating_phones_from_one_address_meets_the_address_wait(self, session: Session) -> None:
        phones = [f"+2237{n:07d}" for n in range(40)]  # no account needs to exist: failures count alike
        tries = [guess(session, phone, at=T0, client="198.51.100.7") for phone in phones[:32]]
        assert tries == ["wrong"] * 30 + ["wait"] * 2
        assert guess(session, phones[35], at=T0 + timedelta(minutes=1), client="198.51.100.7") == "wrong"
        assert guess(session, phones[36], at=T0 + timedelta(minutes=1), client="198.51.100.7") == "wait"
        assert guess(session, phones[37], at=T0 + timedelta(minutes=1), client="198.51.100.8") == "wrong"  # another address

    def test_staff_passwords_are_throttled_by_address_too(self, session: Session) -> None:
        logins = [f"agent{n}@example.ml" for n in range(31)]
        assert [guess(session, login, at=T0, client="198.51.100.9") for login in logins][-2:] == ["wrong", "wait"]


class TestAllPins:
    def fill(self, session: Session, failures: int, at: datetime) -> None:
        """Store PIN failures as many addresses against many phones would leave them."""
        session.add_all(SignInAttempt(login=f"+2236{n:07d}", client=f"10.{n // 250}.{n % 250}.1", pin=True, at=at)
                        for n in range(failures))  # fmt: skip
        session.commit()

    def test_many_addresses_against_many_trainees_meet_the_ceiling(self, session: Session, trainee: User) -> None:
        self.fill(session, throttle.PINS.free - 1, T0)
        assert guess(session, "+22365000001", at=T0 + timedelta(minutes=5), client="192.0.2.1") == "wrong"
        assert guess(session, "+22365000002", at=T0 + timedelta(minutes=6), client="192.0.2.2") == "wait"
        assert guess(session, trainee.login, at=T0 + timedelta(minutes=6), secret=PIN, client="192.0.2.3") == "wait"
        # Staff passwords are not PINs: the ceiling does not stop them.
        assert guess(session, "officer@example.ml", at=T0 + timedelta(minutes=6), client="192.0.2.4") == "wrong"
        # The ceiling lifts when the oldest failures leave the hour.
        assert guess(session, trainee.login, at=T0 + timedelta(minutes=60, seconds=1), secret=PIN, client="192.0.2.3") == "in"

    def test_the_wait_names_when_the_ceiling_lifts(self, session: Session) -> None:
        self.fill(session, throttle.PINS.free, T0)
        with pytest.raises(TooManyAttempts) as waiting:
            auth_service.authenticate(session=session, login="+22365000009", secret="1", client="192.0.2.9",
                                      now=T0 + timedelta(minutes=45))  # fmt: skip
        assert waiting.value.wait == timedelta(minutes=15) and waiting.value.minutes() == 15


class TestNothingToFillTheDisk:
    @pytest.mark.parametrize(
        ("login", "secret"),
        [
            ("a" * 255, "x"),
            ("+22376000001", "1" * 257),
            ("x" * 20_000, "y" * 20_000),
            ("+2237600\x000001", "1"),
            ("a\nb@x.ml", "1"),
        ],
    )
    def test_overlong_or_control_character_logins_are_refused_unstored(self, session: Session, login: str, secret: str) -> None:
        assert guess(session, login, at=T0, secret=secret) == "wrong" and stored(session) == 0

    def test_purge_deletes_old_failures_and_ended_sessions(self, session: Session, trainee: User) -> None:
        now = utcnow()
        session.add_all([SignInAttempt(login="a", client="b", at=now - throttle.KEPT - timedelta(minutes=1)),
                         SignInAttempt(login="a", client="b", at=now - timedelta(minutes=1))])  # fmt: skip
        live = auth_service.start_session(session=session, user=trainee, hours=1)
        auth_service.start_session(session=session, user=trainee, hours=-1)
        session.commit()
        assert auth_service.purge(session=session, now=now) == (1, 1)
        session.commit()
        assert stored(session) == 1 and auth_service.user_for_token(session=session, token=live) is not None
        assert int(session.exec(select(func.count()).select_from(AuthSession)).one()) == 1


class TestOverHttp:
    def test_a_wait_is_answered_429_in_french_with_retry_after(self, client: Client, session: Session) -> None:
        officer = user(session, Role.officer)
        token = client.csrf()
        codes = [client.post("/signin", data={"login": officer.login, "secret": f"bad{i}", "csrf_token": token}).status_code
                 for i in range(6)]  # fmt: skip
        assert codes == [401] * 5 + [429]
        waiting = client.post("/signin", data={"login": officer.login, "secret": PASSWORD, "csrf_token": token})
        assert waiting.status_code == 429 and "Trop d'essais. Attendez 1 min avant de réessayer." in html.unescape(waiting.text)
        assert 0 < int(waiting.headers["retry-after"]) <= 61
        api = client.post("/api/v1/session", json={"login": officer.login, "secret": PASSWORD}, headers={"X-CSRF-Token": token})
        assert api.status_code == 429 and api.json()["code"] == "too_many_attempts" and "retry-after" in api.headers

    def test_a_pending_company_right_password_answers_as_a_wrong_one(self, client: Client, session: Session) -> None:
        pending = user(session, Role.employer, employer_id=employer(session, status=EmployerStatus.pending).id)
        token = client.csrf()
        right = client.post("/signin", data={"login": pending.login, "secret": PASSWORD, "csrf_token": token})
        wrong = client.post("/signin", data={"login": pending.login, "secret": "not the password", "csrf_token": token})
        assert right.status_code == wrong.status_code == 401
        assert alert(right.text) == alert(wrong.text) and "demande acceptée" in alert(right.text)
        assert stored(session) == 2  # both count towards the wait

    def test_a_disabled_account_answers_as_a_wrong_password(self, client: Client, session: Session) -> None:
        officer = user(session, Role.officer)
        auth_service.set_active(session=session, user=officer, active=False)
        session.commit()
        response = client.post("/signin", data={"login": officer.login, "secret": PASSWORD, "csrf_token": client.csrf()})
        assert response.status_code == 401 and "Identifiant ou mot de passe incorrect." in response.text


def alert(page: str) -> str:
    """Return the text of a page's alert."""
    found = re.search(r'role="alert">([^<]*)<', page)
    return found.group(1) if found else ""


def test_the_readme_states_the_budget_the_rules_give() -> None:
    text = README.read_text("utf-8")
    hour, day = timedelta(hours=1), timedelta(hours=24)
    for name, rule in (("account", throttle.ACCOUNT), ("address", throttle.ADDRESS), ("all PINs", throttle.PINS)):
        row = f"| {name} | {throttle.attempts_within(rule, hour)} | {throttle.attempts_within(rule, day)} |"
        assert row in text, f"README.md should have the row {row}"
