"""Accounts: password hashing (Argon2), sign-in with throttling, revocable sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import URL, Connection, Engine
from sqlmodel import Session, col, create_engine, delete, func, select

from core import audit
from core.clock import utcnow
from core.problems import Problem
from employers.dashboard import Page
from employers.models import Employer
from employers.recipients import ACCOUNT_LANGUAGES
from matching.models import normalise_phone
from profiles.models import TraineeProfile
from web.auth import hashing, throttle
from web.auth.exceptions import (
    AccountNotFound,
    DisableReasonRequired,
    InvalidCredentials,
    InvalidLogin,
    LoginTaken,
    OwnAccount,
    TooManyAttempts,
    WeakPassword,
)
from web.auth.models import AuthSession, Role, SignInAttempt, User

PIN_PATTERN = re.compile(r"^\d{6}$")
MIN_PASSWORD_LENGTH = 10
#: The languages of a trainee's SMS (the notices' catalogues: French, English, Bambara).
TRAINEE_LANGUAGES = ("fr", "en", "bm")
#: No account's login or secret is longer: a longer one is refused before it is stored or hashed.
MAX_LOGIN_LENGTH = 254
MAX_SECRET_LENGTH = 256
MAX_CLIENT_LENGTH = 64
#: Connections per process that record and forget sign-in attempts on PostgreSQL, beside the application's pool.
ATTEMPT_CONNECTIONS = 2
#: No login holds a control character (PostgreSQL cannot even store a NUL): such a login is refused unstored.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@cache
def _dummy_hash() -> str:
    """Return a hash to verify against when the login does not exist, so both cases take the same time."""
    # Made on first use, not at import: every `rdvm` command imports this module, few of them sign anyone in.
    return hashing.HASHER.hash("not-a-real-password")


def hash_secret(secret: str) -> str:
    """Return the Argon2id hash of a password or PIN (web.auth.hashing's parameters)."""
    return hashing.HASHER.hash(secret)


def check_secret_rules(role: Role, secret: str) -> None:
    """Raise WeakPassword unless a trainee's PIN has 6 digits or another user's password 10 to 256 characters."""
    if role == Role.trainee and not PIN_PATTERN.match(secret):
        raise WeakPassword("pin_six_digits")
    if role != Role.trainee and len(secret) < MIN_PASSWORD_LENGTH:
        raise WeakPassword("password_too_short")
    if len(secret) > MAX_SECRET_LENGTH:
        raise WeakPassword("password_too_long")


def create_user(
    *,
    session: Session,
    login: str,
    full_name: str,
    role: Role,
    secret: str,
    employer_id: int | None = None,
    trainee_id: int | None = None,
    centre_id: int | None = None,
    by: int | None = None,
) -> User:
    """Create an account (`by`: the account creating it; None, the system or a sign-up); its login is unique and its
    secret follows the rules of its role."""
    login = normalise_login(login)
    if len(login) > MAX_LOGIN_LENGTH or _CONTROL.search(login):
        raise InvalidLogin(login[:MAX_LOGIN_LENGTH])
    check_secret_rules(role, secret)
    if session.exec(select(User).where(User.login == login)).first() is not None:
        raise LoginTaken(login)
    user = User(login=login, full_name=full_name, role=role, password_hash=hash_secret(secret), employer_id=employer_id,
                trainee_id=trainee_id, centre_id=centre_id)  # fmt: skip
    session.add(user)
    session.flush()
    _audit(session, user, "create", by, details={"role": role.value})
    return user


def _audit(session: Session, user: User, action: str, by: int | None, **fields: Any) -> None:
    """Write the audit event of a change to an account (never its secret)."""
    audit.record(session, actor_id=by, entity="user", entity_id=user.id, action=action, employer_id=user.employer_id,
                 trainee_id=user.trainee_id, **fields)  # fmt: skip


def normalise_login(login: str) -> str:
    """Return a login as stored: e-mails in lower case, phone numbers in international form (+223…)."""
    login = login.strip()
    if "@" in login:
        return login.lower()
    try:
        return normalise_phone(login)
    except ValueError:
        return re.sub(r"[\s.\-]", "", login)


def authenticate(
    *, session: Session, login: str, secret: str, client: str, allowed: Callable[[User], bool] = lambda user: user.active,
    now: datetime | None = None,
) -> User:  # fmt: skip
    """Return the user whose login and secret match and who is `allowed` to sign in; throttle failures.

    Whatever fails — no such login, a wrong secret, an account that may not sign in (disabled, its company
    not approved) — fails alike and counts alike, so no answer tells a right secret from a wrong one. A login
    or secret longer than any account's, or a login with a control character, is refused before anything is
    stored or hashed. The attempt is recorded *before* the wait is decided (on PostgreSQL committed at once on
    its own connection), so parallel guesses count each other; it is forgotten when it must wait or succeeds.
    """
    if len(login) > MAX_LOGIN_LENGTH or len(secret) > MAX_SECRET_LENGTH or _CONTROL.search(login):
        raise InvalidCredentials(login[:MAX_LOGIN_LENGTH])
    now = now or utcnow()
    login, client = normalise_login(login), client[:MAX_CLIENT_LENGTH]
    attempt_id = _record_attempt(session, SignInAttempt(login=login, client=client, pin=throttle.is_pin_login(login), at=now))
    user = session.exec(select(User).where(User.login == login)).first()
    wait = throttle.wait_before(session, login=login, client=client, own_id=attempt_id, now=now,
                                secret_set_at=user.password_changed_at if user else None)  # fmt: skip
    if wait > timedelta(0):
        _forget_attempt(session, attempt_id)
        raise TooManyAttempts(login, wait)
    valid, rehashed = hashing.HASHER.verify_and_update(secret, user.password_hash if user else _dummy_hash())
    if not valid or user is None or not allowed(user):
        raise InvalidCredentials(login)
    _forget_attempt(session, attempt_id)
    if rehashed is not None:  # made with other parameters: stored again with today's (the secret is unchanged)
        user.password_hash = rehashed
        session.add(user)
    return user


def _record_attempt(session: Session, attempt: SignInAttempt) -> int:
    if _serialised(session):
        session.add(attempt)
        session.flush()
        return int(attempt.id or 0)
    with Session(_attempts_engine(session.get_bind())) as own:
        own.add(attempt)
        own.commit()
        return int(attempt.id or 0)


def _forget_attempt(session: Session, attempt_id: int) -> None:
    forget = delete(SignInAttempt).where(col(SignInAttempt.id) == attempt_id)
    if _serialised(session):
        session.exec(forget)
        return
    with Session(_attempts_engine(session.get_bind())) as own:
        own.exec(forget)
        own.commit()


def _attempts_engine(bind: Engine | Connection) -> Engine:
    return _engine_for_attempts(bind.engine.url)


@cache
def _engine_for_attempts(url: URL) -> Engine:
    # A pool of its own: the request already holds a connection of the application's pool, and a burst of
    # sign-ins as large as that pool, each waiting on it for a second connection, would wait on itself until
    # the pool's timeout (the load test's 500s). A connection of this pool is held for one statement and
    # its commit, never while waiting for another: its waits always end.
    return create_engine(url, pool_size=ATTEMPT_CONNECTIONS, max_overflow=0, pool_pre_ping=True)


def _serialised(session: Session) -> bool:
    # SQLite runs one writer at a time, so the request's own transaction already serialises guesses (and a
    # second connection could not write while it is open); PostgreSQL needs the attempt visible at once.
    return session.get_bind().dialect.name == "sqlite"


def purge(*, session: Session, now: datetime) -> tuple[int, int]:
    """Delete failed sign-ins too old to count and sessions past their end; return how many of each."""
    attempts = session.exec(delete(SignInAttempt).where(col(SignInAttempt.at) < now - throttle.KEPT))
    sessions = session.exec(delete(AuthSession).where(col(AuthSession.expires_at) <= now))
    return int(attempts.rowcount or 0), int(sessions.rowcount or 0)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def languages_of(user: User) -> tuple[str, ...]:
    """Return the languages a person's notices may be written in: a trainee's SMS have Bambara too."""
    return TRAINEE_LANGUAGES if user.role == Role.trainee else ACCOUNT_LANGUAGES


def _language_holder(session: Session, user: User) -> User | TraineeProfile | None:
    """Return what keeps a person's notices' language: a trainee's profile (their SMS), else the account."""
    if user.role != Role.trainee:
        return user
    return session.get(TraineeProfile, user.trainee_id) if user.trainee_id is not None else None


def notice_language(*, session: Session, user: User) -> str:
    """Return the language a person's notices are written in (French while none was picked)."""
    holder = _language_holder(session, user)
    return (holder.message_language if holder else None) or "fr"


def keep_language(*, session: Session, user: User, lang: str) -> bool:
    """Keep the language a person picked as the one their notices are written in; return whether it changed.

    A trainee's is on their profile; anyone else's on the account (employers.recipients reads it). A language
    their notices cannot be written in changes nothing.
    """
    holder = _language_holder(session, user)
    if lang not in languages_of(user) or holder is None or (holder.message_language or "fr") == lang:
        return False
    holder.message_language = lang
    session.add(holder)
    return True


def start_session(*, session: Session, user: User, hours: int) -> str:
    """Open a sign-in session for the user and return its secret token (for the cookie)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(AuthSession(id=_digest(token), user_id=user.id, created_at=now, expires_at=now + timedelta(hours=hours)))  # type: ignore[arg-type]
    session.flush()
    return token


def user_for_token(*, session: Session, token: str) -> User | None:
    """Return the active user of a live session token, or None."""
    # One query for the session and its user: every signed-in request asks.
    query = select(User, AuthSession.expires_at).join(AuthSession, col(AuthSession.user_id) == User.id)
    found = session.exec(query.where(AuthSession.id == _digest(token))).first()
    if found is None:
        return None
    user, expires_at = found
    return user if expires_at > utcnow() and user.active else None


def end_session(*, session: Session, token: str) -> None:
    """Sign out the browser holding this token."""
    session.exec(delete(AuthSession).where(col(AuthSession.id) == _digest(token)))


def end_all_sessions(*, session: Session, user_id: int) -> None:
    """Sign the user out everywhere (password change, account disabled)."""
    session.exec(delete(AuthSession).where(col(AuthSession.user_id) == user_id))


def change_secret(*, session: Session, user: User, current: str, new: str) -> None:
    """Change a user's password or PIN after checking the current one; every session is closed."""
    if not hashing.HASHER.verify(current, user.password_hash):
        raise InvalidCredentials(user.login)
    set_secret(session=session, user=user, new=new)
    _audit(session, user, "pin_change" if user.role == Role.trainee else "password_change", user.id)


def set_secret(*, session: Session, user: User, new: str) -> None:
    """Set a new password or PIN (an officer issuing a PIN); every session of the user is closed."""
    check_secret_rules(user.role, new)
    user.password_hash = hash_secret(new)
    user.password_changed_at = utcnow()
    session.add(user)
    end_all_sessions(session=session, user_id=user.id)  # type: ignore[arg-type]
    session.flush()


def set_active(*, session: Session, user: User, active: bool, by: int | None = None, reason: str | None = None) -> None:
    """Enable or disable an account (`by`: who does; None, the system; `reason`: why); disabling signs it out everywhere."""
    user.active = active
    session.add(user)
    if not active:
        end_all_sessions(session=session, user_id=user.id)  # type: ignore[arg-type]
    session.flush()
    _audit(session, user, "enable" if active else "disable", by, reason=reason)


MAX_REASON_LENGTH = 500
PER_PAGE = 50


def account_by_login(*, session: Session, login: str) -> User:
    """Return the account of a login (written as at sign-in); raise AccountNotFound."""
    user = session.exec(select(User).where(User.login == normalise_login(login))).first()
    if user is None:
        raise AccountNotFound(login)
    return user


def account_by_id(*, session: Session, user_id: int) -> User:
    """Return an account by id; raise AccountNotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise AccountNotFound(str(user_id))
    return user


def set_access(*, session: Session, user: User, active: bool, by: int | None, reason: str = "") -> bool:
    """Disable an account (a reason is required; it is signed out everywhere) or enable it again; audited.

    Return whether anything changed (disabling a disabled account changes nothing and writes nothing).
    """
    reason = reason.strip()[:MAX_REASON_LENGTH]
    if not active and not reason:
        raise DisableReasonRequired(user.login)
    if not active and by is not None and by == user.id:
        raise OwnAccount(user.login)
    if user.active == active:
        return False
    set_active(session=session, user=user, active=active, by=by, reason=reason or None)
    return True


def accounts(*, session: Session, search: str = "", page: int = 1) -> Page[User]:
    """Return one page of the accounts, by role then login, those whose login or name contains `search`."""
    query = select(User)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(func.lower(User.login).like(pattern) | func.lower(User.full_name).like(pattern))
    total = int(session.exec(select(func.count()).select_from(query.subquery())).one())
    number = min(max(page, 1), max(-(-total // PER_PAGE), 1))
    rows = session.exec(query.order_by(col(User.role), col(User.login)).offset((number - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return Page(tuple(rows), total, number, PER_PAGE)


def new_pin() -> str:
    """Return a random 6-digit PIN for an officer to hand to a trainee."""
    return f"{secrets.randbelow(10**6):06d}"


def trainee_account(*, session: Session, trainee_id: int) -> User | None:
    """Return the account linked to a trainee's profile, if any."""
    return session.exec(select(User).where(User.trainee_id == trainee_id)).first()


def issue_trainee_pin(
    *, session: Session, trainee_id: int, full_name: str, phone: str, by: int | None = None
) -> tuple[User, str]:
    """Give a trainee's account a new 6-digit PIN and return the account and the PIN (to hand over once).

    The account is created when the profile has none. Its login is the trainee's phone, normalised: a phone
    changed on the profile since the last PIN becomes the new login. A new PIN signs the trainee out everywhere,
    so the old PIN and every open session stop working. Raise LoginTaken when another account has this phone.
    `by` is the officer (recorded in the audit trail, never the PIN).
    """
    login = normalise_login(phone)
    pin = new_pin()
    user = trainee_account(session=session, trainee_id=trainee_id)
    if user is None:
        created = create_user(session=session, login=login, full_name=full_name, role=Role.trainee, secret=pin,
                              trainee_id=trainee_id, by=by)  # fmt: skip
        return created, pin
    if user.login != login:
        if session.exec(select(User.id).where(User.login == login, User.id != user.id)).first() is not None:
            raise LoginTaken(login)
        user.login = login
    set_secret(session=session, user=user, new=pin)
    _audit(session, user, "pin_reset", by)
    return user, pin


class EmployerContactAccounts:
    """The accounts of applying companies' contacts: the e-mail is the login; signs in once an officer approves."""

    def problems(self, *, session: Session, email: str, password: str) -> list[Problem]:
        """Return what is wrong with the contact's future account: a weak password, an e-mail already in use."""
        problems = []
        try:
            check_secret_rules(Role.employer, password)
        except WeakPassword as weak:
            problems.append(Problem("password", str(weak)))
        login = normalise_login(email)
        # Only e-mails are checked: a phone number here must not tell whether a trainee has an account.
        if "@" in login and session.exec(select(User.id).where(User.login == login)).first() is not None:
            problems.append(Problem("email", "email_taken"))
        return problems

    def create(self, *, session: Session, company: Employer, password: str) -> int:
        """Create the contact's employer account, linked to the company, and return its id."""
        contact = create_user(session=session, login=company.email, full_name=company.contact_name, role=Role.employer,
                              secret=password, employer_id=company.id)  # fmt: skip
        return contact.id or 0
