"""Accounts, their sign-in sessions (revocable), and sign-in attempts (for throttling)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from core.columns import time_field
from employers.lifecycle import Actor, Party


class Role(StrEnum):
    """What a user is allowed to do."""

    admin = "admin"
    officer = "officer"
    employer = "employer"
    trainee = "trainee"
    school = "school"
    auditor = "auditor"  # read-only: the evaluation, its exports and the audit trail, pseudonymised


#: The part each role plays in the employers' workflows: an admin acts as an officer.
PARTIES = {Role.admin: Party.officer, Role.officer: Party.officer, Role.employer: Party.employer, Role.trainee: Party.trainee}


class User(SQLModel, table=True):
    """An account: staff and employers sign in with their e-mail, trainees with their phone and a PIN."""

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True, index=True, max_length=254, description="e-mail, or phone (+223…, +221…) for trainees")
    full_name: str = Field(max_length=200)
    role: Role = Field(max_length=16)
    password_hash: str = Field(max_length=255)
    employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    trainee_id: int | None = Field(default=None, foreign_key="trainee_profile.id", index=True)
    centre_id: int | None = Field(default=None, foreign_key="training_centre.id", index=True)
    active: bool = True
    created_at: datetime = time_field()
    password_changed_at: datetime = time_field()
    message_language: str | None = Field(
        default=None, max_length=8, description="the language the person picked on the pages, their notices' language "
        "(fr, en; employers.recipients); None: French. A trainee's is on their profile",
    )  # fmt: skip

    @property
    def actor(self) -> Actor:
        """Return who this account acts as in the employers' workflows: its party, id, company and trainee profile."""
        return Actor(PARTIES[self.role], user_id=self.id, employer_id=self.employer_id, trainee_id=self.trainee_id)


class AuthSession(SQLModel, table=True):
    """A signed-in browser; deleting the row signs it out everywhere it is used."""

    __tablename__ = "auth_session"

    id: str = Field(primary_key=True, max_length=64, description="SHA-256 of the token held in the cookie")
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = time_field()
    expires_at: datetime = time_field()


class SignInAttempt(SQLModel, table=True):
    """One sign-in whose secret was checked and found wrong, kept a day to slow down guessing (web.auth.throttle)."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (Index("ix_sign_in_attempt_pin_at", "pin", "at"),)  # the ceiling on PIN failures of the last hour

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(index=True, max_length=254)
    client: str = Field(index=True, max_length=64)
    pin: bool = Field(default=False, description="a phone login: a trainee's 6-digit PIN was tried")
    at: datetime = time_field()


class PasswordReset(SQLModel, table=True):
    """A "forgot my password" link sent by e-mail: single use, valid until ``expires_at``; only its token's digest is kept."""

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    digest: str = Field(unique=True, max_length=64)
    created_at: datetime = time_field()
    expires_at: datetime = time_field()
    used_at: datetime | None = time_field(nullable=True)


class PinResetCode(SQLModel, table=True):
    """A code sent by SMS to a trainee who forgot their PIN: it lets them choose a new one, once, for a short while.

    Only its hash is kept. It dies when used, when it expires, when a newer code is sent, or after too many
    wrong tries (web.auth.pin_reset).
    """

    __tablename__ = "pin_reset_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True, description="None: no trainee has that phone")
    code_hash: str = Field(default="", max_length=255)
    client: str = Field(index=True, max_length=64, description="the address that asked (throttled per address)")
    created_at: datetime = time_field()
    expires_at: datetime = time_field()
    used_at: datetime | None = time_field(nullable=True)
    wrong_tries: int = 0
