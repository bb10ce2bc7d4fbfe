"""Builders of accounts, companies and profiles for web tests."""

from __future__ import annotations

import itertools
from typing import Any

from sqlmodel import Session

from employers.models import Employer, EmployerStatus
from web.auth import service as auth_service
from web.auth.models import Role, User

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def employer(session: Session, *, status: EmployerStatus = EmployerStatus.approved, **overrides: Any) -> Employer:
    """Create and commit a security company."""
    n = next(_numbers)
    company = Employer(
        name=f"Société {n}", licence_number=f"AGR-{n:04d}", town="Bamako", contact_name="Awa Diarra",
        phone="+22376000000", email=f"contact{n}@example.ml", status=status,
    )  # fmt: skip
    for key, value in overrides.items():
        setattr(company, key, value)
    session.add(company)
    session.commit()
    session.refresh(company)
    return company


def user(session: Session, role: Role, *, secret: str = PASSWORD, **overrides: Any) -> User:
    """Create and commit an account with a known password (or PIN)."""
    n = next(_numbers)
    login = overrides.pop("login", f"+2237{n:07d}" if role == Role.trainee else f"{role.value}{n}@example.ml")
    account = auth_service.create_user(
        session=session, login=login, full_name=f"{role.value} {n}", role=role, secret=secret, **overrides
    )
    session.commit()
    session.refresh(account)
    return account
