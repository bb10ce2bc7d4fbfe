"""The one edge where the domain's refusals become HTTP answers, for every router of the application.

Each router is made with ``route_class=DomainRoute``: a refusal of the employers or profiles domain (or, on the
API, a body that does not validate) is answered in the user's language — a page or ``{"detail": …}`` JSON, through
the application's own handlers — so the routes only call services. One shape everywhere: a field error is
``{"detail": {field: message}}``, any other refusal ``{"detail": message}``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, cast

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from pydantic_core import ErrorDetails

from core.problems import InvalidFields, problems_from_errors
from employers import exceptions as employer_errors
from employers.validation import DATE_FIELDS
from profiles import exceptions as profile_errors
from web.messages import field_messages, message
from web.pages import page_language


class FieldErrors(BaseModel):
    """Every wrong field with its message, in the request's language."""

    detail: dict[str, str] = Field(examples=[{"level": "Choisissez une des valeurs proposées."}])


class Refusal(BaseModel):
    """Why the request was refused, in the request's language (and the message's code, when it has one)."""

    detail: str
    code: str | None = None


#: The refusals every API call may answer, as the OpenAPI schema documents them (routers add their own).
API_REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"model": Refusal, "description": "The body is not readable JSON."},
    403: {"model": Refusal, "description": "The account's role may not do this, or the CSRF token is missing."},
    413: {"model": Refusal, "description": "The body is larger than the application accepts."},
    422: {"model": FieldErrors, "description": "Some fields are wrong: one message per field."},
}

#: HTTP status of each refusal; any other refusal of the domain is a conflict with the current state (409).
STATUS: dict[type[Exception], int] = {
    employer_errors.EmployerNotFound: 404,
    employer_errors.VacancyNotFound: 404,
    employer_errors.OfferNotFound: 404,
    employer_errors.PlacementNotFound: 404,
    employer_errors.FollowUpNotFound: 404,
    employer_errors.WeightsVersionNotFound: 404,
    profile_errors.TraineeNotFound: 404,
    profile_errors.CohortNotFound: 404,
    profile_errors.CentreNotFound: 404,
    employer_errors.ActionNotAllowed: 403,
    InvalidFields: 422,
    employer_errors.UnknownEmployers: 422,
    profile_errors.InvalidConsent: 422,
}
#: The refusals of the domain that DomainRoute answers.
DomainError = employer_errors.EmployerError | profile_errors.ProfileError


def status_of(error: DomainError) -> int:
    """Return the HTTP status that answers a refusal."""
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 409)


def refusal(request: Request, error: DomainError | RequestValidationError) -> HTTPException:
    """Return the HTTP exception answering a refusal; the application's handlers make it a page or JSON."""
    lang = page_language(request)
    if isinstance(error, RequestValidationError):
        # "body.seats" is the field "seats"; a missing or unreadable body is the field "body".
        located = [cast(ErrorDetails, {**e, "loc": tuple(e["loc"][1:]) or e["loc"]}) for e in error.errors()]
        return HTTPException(422, detail=field_messages(problems_from_errors(located, date_fields=DATE_FIELDS), lang))
    if isinstance(error, InvalidFields):
        return HTTPException(422, detail=field_messages(error.problems, lang))
    return HTTPException(status_of(error), detail=message(error.code, lang))


class DomainRoute(APIRoute):
    """A route whose domain refusals (and, on the API, invalid input) are answered in the user's language.

    The refusal is raised again as an HTTPException rather than returned, so the request's session sees
    the failure and rolls back whatever was flushed before it.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap the handler so it turns refusals into HTTP exceptions."""
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except (employer_errors.EmployerError, profile_errors.ProfileError) as error:
                raise refusal(request, error) from error
            except RequestValidationError as error:
                if not request.url.path.startswith("/api/"):
                    raise
                raise refusal(request, error) from error

        return answer
