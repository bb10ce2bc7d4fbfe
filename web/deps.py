"""Request dependencies: the signed-in user, role requirements, the language. Routes read like sentences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path, Request
from itsdangerous import URLSafeSerializer
from starlette.datastructures import FormData

from employers import exceptions as employer_errors
from employers.models import Employer
from profiles import exceptions as profile_errors
from web import csrf
from web.auth import service as auth_service
from web.auth.models import Role, User
from web.config import get_settings
from web.db import SessionDep
from web.i18n import LANGUAGES
from web.signing import read_signed_cookie, signer

SESSION_COOKIE = csrf.SESSION_COOKIE
LANG_COOKIE = "rdvm_lang"


#: The largest id a record can have on either database (PostgreSQL's INTEGER; SQLite goes to 2^63 - 1).
MAX_ID = 2**31 - 1
#: An id in an address: 1 to MAX_ID, so a larger number is refused with a message before it reaches the database.
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]


class NotSignedIn(Exception):
    """The page needs a signed-in user."""


class Forbidden(Exception):
    """The signed-in user's role may not do this."""


def session_serializer() -> URLSafeSerializer:
    """Return the signer of session cookies."""
    return signer("session")


def session_token(request: Request) -> str | None:
    """Return the session token carried by the request's signed cookie, if valid."""
    return read_signed_cookie(request, SESSION_COOKIE, "session")


def current_user(request: Request, session: SessionDep) -> User | None:
    """Return the signed-in user, or None; a language they pick on a page (?lang=) becomes their notices' language."""
    token = session_token(request)
    user = auth_service.user_for_token(session=session, token=token) if token else None
    request.state.user = user
    chosen = request.query_params.get("lang")
    if user is not None and chosen:
        auth_service.keep_language(session=session, user=user, lang=chosen)
    return user


CurrentUser = Annotated[User | None, Depends(current_user)]


def signed_in(user: CurrentUser) -> User:
    """Return the signed-in user or refuse the request."""
    if user is None:
        raise NotSignedIn()
    return user


SignedInUser = Annotated[User, Depends(signed_in)]


def role_required(*roles: Role) -> Callable[[User], User]:
    """Return a dependency that lets through only users with one of these roles."""

    def check(user: SignedInUser) -> User:
        if user.role not in roles:
            raise Forbidden()
        return user

    return check


AdminUser = Annotated[User, Depends(role_required(Role.admin))]
OfficerUser = Annotated[User, Depends(role_required(Role.officer, Role.admin))]
EmployerUser = Annotated[User, Depends(role_required(Role.employer))]
TraineeUser = Annotated[User, Depends(role_required(Role.trainee))]
SchoolUser = Annotated[User, Depends(role_required(Role.school))]
#: Who may read the evaluation and the audit trail: the auditor sees them pseudonymised.
EvaluatorUser = Annotated[User, Depends(role_required(Role.officer, Role.admin, Role.auditor))]


def language(request: Request) -> str:
    """Return the page language: ?lang=, else the cookie, else the default (French)."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or get_settings().default_language
    lang = chosen if chosen in LANGUAGES else "fr"
    request.state.lang = lang
    return lang


Lang = Annotated[str, Depends(language)]


def client_address(request: Request) -> str:
    """Return the client's address (for throttling sign-ins)."""
    return request.client.host if request.client else "unknown"


def served_over_https(request: Request) -> bool:
    """Return whether cookies must be Secure: the request came over HTTPS, or RDVM_HTTPS says a proxy ends TLS."""
    return request.url.scheme == "https" or get_settings().https


def employer_company(request: Request, session: SessionDep, user: EmployerUser) -> int:
    """Return the id of the signed-in employer's company (its name goes into the pages' header)."""
    if user.employer_id is None:
        raise employer_errors.EmployerNotFound(user.id)
    company = session.get(Employer, user.employer_id)
    request.state.company_name = company.name if company is not None else None
    return user.employer_id


CompanyId = Annotated[int, Depends(employer_company)]


def school_centre(user: SchoolUser) -> int:
    """Return the id of the signed-in trainer's training centre."""
    if user.centre_id is None:
        raise profile_errors.CentreNotFound(str(user.id))
    return user.centre_id


CentreId = Annotated[int, Depends(school_centre)]


async def submitted_form(request: Request) -> FormData:
    """Return the submitted form (read once, and kept, by the CSRF check)."""
    return await request.form()


Submitted = Annotated[FormData, Depends(submitted_form)]
