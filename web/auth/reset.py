"""Forgotten passwords: a single-use link sent by e-mail, and the accounts of a company's invited colleagues.

Asking for a link answers the same whatever was typed: an unknown address, a trainee's phone (trainees have
a PIN an officer resets), a disabled account, all get the page an existing address gets, and nothing is
sent. For an active account signing in with an e-mail, a ``PasswordReset`` is written (only the token's
digest is kept) with an e-mail through the outbox (employers.outbox), valid ``minutes`` minutes; a second
request within ``RESEND_AFTER`` sends nothing more, so the form cannot flood a mailbox. Using the link sets
the new password (web.auth.service: its rules, Argon2, every session closed), uses up every open link of
the account, and is audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from core import audit, tokens
from core.clock import utcnow
from core.problems import Problem
from employers import outbox
from employers.recipients import language_of
from web.auth import service as auth_service
from web.auth.exceptions import WeakPassword
from web.auth.models import PasswordReset, Role, User

#: A second request for the same account within this time sends no second e-mail.
RESEND_AFTER = timedelta(minutes=2)


class ResetUnusable(Exception):
    """The reset link is unknown, already used or past its time."""

    code = "reset_unusable"


def request_reset(*, session: Session, login: str, link: str, minutes: int, now: datetime | None = None) -> None:
    """Send a reset link (`link` holds "{token}") to the account of this e-mail, if there is one that may have it."""
    now = now or utcnow()
    user = _resettable(session, login)
    if user is None or _sent_lately(session, user, now):
        return
    token, digest = tokens.new_token()
    reset = PasswordReset(user_id=user.id or 0, digest=digest, created_at=now, expires_at=now + timedelta(minutes=minutes))
    session.add(reset)
    session.flush()
    audit.record(session, actor_id=None, entity="user", entity_id=user.id, action="password_reset_requested",
                 employer_id=user.employer_id)  # fmt: skip
    values = {"link": link.format(token=token), "minutes": str(minutes)}
    recipient = outbox.Recipient(email=user.login, lang=language_of(user.message_language))
    outbox.queue(session=session, key="password_reset.user", recipient=recipient, values=values, offer_id=None)


def _resettable(session: Session, login: str) -> User | None:
    """Return the active account signing in with this e-mail (trainees sign in with a phone and a PIN: never)."""
    if len(login) > auth_service.MAX_LOGIN_LENGTH or "@" not in login:
        return None
    user = session.exec(select(User).where(User.login == auth_service.normalise_login(login))).first()
    return user if user is not None and user.active and user.role != Role.trainee else None


def _sent_lately(session: Session, user: User, now: datetime) -> bool:
    query = select(PasswordReset.id).where(PasswordReset.user_id == user.id, col(PasswordReset.created_at) > now - RESEND_AFTER)
    return session.exec(query).first() is not None


def open_reset(*, session: Session, token: str, now: datetime | None = None) -> PasswordReset:
    """Return the reset of a link while it can be used, else raise ResetUnusable."""
    found = session.exec(select(PasswordReset).where(PasswordReset.digest == tokens.digest(token))).first()
    if found is None or found.used_at is not None or found.expires_at <= (now or utcnow()):
        raise ResetUnusable()
    return found


def reset_password(*, session: Session, token: str, new: str, now: datetime | None = None) -> User:
    """Set the account's new password from a reset link (WeakPassword: the rules); the link and its siblings are used up."""
    now = now or utcnow()
    reset = open_reset(session=session, token=token, now=now)
    user = session.get(User, reset.user_id)
    if user is None or not user.active:
        raise ResetUnusable()
    auth_service.check_secret_rules(user.role, new)
    used = session.exec(
        update(PasswordReset)
        .where(col(PasswordReset.user_id) == user.id, col(PasswordReset.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not used:  # a racing submit of the same link used it first
        raise ResetUnusable()
    auth_service.set_secret(session=session, user=user, new=new)
    audit.record(session, actor_id=user.id, entity="user", entity_id=user.id, action="password_reset",
                 employer_id=user.employer_id)  # fmt: skip
    return user


class CompanyColleagueAccounts:
    """The accounts of a company's invited colleagues: employer accounts whose login is their e-mail."""

    def login_taken(self, *, session: Session, email: str) -> bool:
        """Return whether an account already signs in with this e-mail."""
        login = auth_service.normalise_login(email)
        return session.exec(select(User.id).where(User.login == login)).first() is not None

    def password_problems(self, password: str) -> list[Problem]:
        """Return what is wrong with an employer's password."""
        try:
            auth_service.check_secret_rules(Role.employer, password)
        except WeakPassword as weak:
            return [Problem("password", str(weak))]
        return []

    def create(self, *, session: Session, employer_id: int, email: str, full_name: str, password: str) -> int:
        """Create the colleague's employer account, linked to the company, and return its id."""
        user = auth_service.create_user(session=session, login=email, full_name=full_name, role=Role.employer, secret=password,
                                        employer_id=employer_id)  # fmt: skip
        return user.id or 0


def company_accounts(*, session: Session, employer_id: int) -> list[User]:
    """Return the accounts of a company's people, by name."""
    return list(session.exec(select(User).where(User.employer_id == employer_id).order_by(col(User.full_name), col(User.id))))
