"""What the employer pages, the officer pages and the employer API share.

* ``DomainRoute``: the one place where the domain's refusals (employers and profiles) become HTTP answers (a
  page or JSON, through the application's own handlers), so the routes only call services;
* ``field_messages``: problems (field, code) → {field: sentence}, in the page's language, for forms and API;
* ``VacancyForm``: the vacancy form's fields ↔ a vacancy's exchange fields;
* ``Labels``: names of levels, skills, languages… in the page's language, for forms and candidate lists;
* ``placement_terms`` and ``vacancy_offers``: a confirmation's terms read from a form or a body, and a
  vacancy's offers as its company sees them (name and phone only once the trainee accepted).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any, cast

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from pydantic import Field as Checked
from pydantic_core import ErrorDetails
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from employers import candidates as candidates_engine
from employers import exceptions as employer_errors
from employers import offers as offers_service
from employers.models import Offer, OfferState, Placement, Vacancy
from employers.service import exchange_fields
from employers.validation import Problem, form_text, problems_from_errors
from matching import components
from matching.messages import label, number, say
from matching.models import LANGUAGE_LEVELS, LEVELS, LICENCE_CATEGORIES, LITERACY_LEVELS, MAX_SALARY, SHIFTS, IsoDate
from matching.normalise import fold
from matching.taxonomy import get_taxonomy
from profiles import exceptions as profile_errors
from profiles.models import TraineeProfile
from web.auth import service as auth_service
from web.auth.exceptions import WeakPassword
from web.auth.models import Role, User
from web.deps import EmployerUser
from web.i18n import translator
from web.messages import MESSAGES
from web.pages import page_language

#: HTTP status of each refusal; any other refusal of the domain is a conflict with the current state (409).
STATUS: dict[type[Exception], int] = {
    employer_errors.EmployerNotFound: 404,
    employer_errors.VacancyNotFound: 404,
    employer_errors.OfferNotFound: 404,
    employer_errors.PlacementNotFound: 404,
    profile_errors.TraineeNotFound: 404,
    employer_errors.ActionNotAllowed: 403,
    employer_errors.InvalidFields: 422,
    employer_errors.UnknownEmployers: 422,
}
#: The refusals of the domain that DomainRoute answers.
DomainError = employer_errors.EmployerError | profile_errors.ProfileError


def status_of(error: DomainError) -> int:
    """Return the HTTP status that answers a refusal."""
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 409)


def message(code: str, lang: str, values: Mapping[str, str] | None = None) -> str:
    """Return the sentence of a message code in a language, filled with its values."""
    text = translator(lang)(MESSAGES.get(code, MESSAGES["employer_error"]))
    return text.format(**values) if values else text


def field_messages(problems: Iterable[Problem], lang: str, *, top_level: bool = False) -> dict[str, str]:
    """Return {field: sentences} for problems; `top_level` gathers "required_languages.0.level" under "required_languages"."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        key = problem.field.split(".")[0] if top_level else problem.field
        sentence = message(problem.code, lang, problem.values)
        if sentence not in found.setdefault(key, []):
            found[key].append(sentence)
    return {key: " ".join(sentences) for key, sentences in found.items()}


def sentences(problems: Iterable[Problem], lang: str) -> list[str]:
    """Return the sentence of each problem."""
    return [message(p.code, lang, p.values) for p in problems]


def refusal(request: Request, error: DomainError | RequestValidationError) -> HTTPException:
    """Return the HTTP exception answering a refusal; the application's handlers make it a page or JSON."""
    lang = page_language(request)
    if isinstance(error, RequestValidationError):
        # "body.seats" is the field "seats"; a missing or unreadable body is the field "body".
        located = [cast(ErrorDetails, {**e, "loc": tuple(e["loc"][1:]) or e["loc"]}) for e in error.errors()]
        return HTTPException(422, detail=field_messages(problems_from_errors(located), lang))
    if isinstance(error, employer_errors.InvalidFields):
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


def account_problems(*, session: Session, email: str, password: str) -> list[Problem]:
    """Return the problems of the account an applying company will sign in with (login = e-mail)."""
    problems = []
    try:
        auth_service.check_secret_rules(Role.employer, password)
    except WeakPassword as weak:
        problems.append(Problem("password", str(weak)))
    login = auth_service.normalise_login(email)
    # Only e-mails are checked: a phone number here must not tell whether a trainee has an account.
    if "@" in login and session.exec(select(User.id).where(User.login == login)).first() is not None:
        problems.append(Problem("email", "email_taken"))
    return problems


# ---------------------------------------------------------------- labels


@dataclass(frozen=True)
class Labels:
    """Names shown for codes, in one language: the taxonomy's own labels, the engine's for scales."""

    lang: str

    @property
    def _english(self) -> bool:
        return self.lang == "en"

    def scale(self, value: str | None) -> str:
        """Return the label of a level, shift, language level or literacy level."""
        return label(value, "en" if self._english else "fr") if value else ""

    def skill(self, code: str) -> str:
        """Return a skill's label (the code itself when it is not in the taxonomy)."""
        found = get_taxonomy().skill(code)
        return (found.en if self._english else found.fr) if found else code

    def certification(self, code: str) -> str:
        """Return a certification's full name."""
        found = get_taxonomy().certification(code)
        return (found.en if self._english else found.fr) if found else code

    def language(self, code: str) -> str:
        """Return a language's name."""
        found = get_taxonomy().language(code)
        return (found.en if self._english else found.fr) if found else code

    def names(self, kind: str, values: Iterable[str]) -> str:
        """Return the labels of several values of one kind ("skill", "certification", "language", "scale"), comma-separated."""
        name: Callable[[str], str] = getattr(self, kind)
        return ", ".join(name(v) for v in values)

    def number(self, value: float) -> str:
        """Return a number with at most one decimal (a decimal comma in French)."""
        return number(value, "en" if self._english else "fr")

    def component(self, name: str) -> str:
        """Return the name of a score component."""
        return say(f"component_{name}", "en" if self._english else "fr")

    def status(self, kind: str, value: str) -> str:
        """Return the name of a vacancy's or an application's status."""
        return message(f"{kind}_status_{value}", self.lang)

    def offer_state(self, state: str) -> str:
        """Return the name of an offer's state."""
        return message(f"offer_state_{state}", self.lang)

    def day(self, moment: date) -> str:
        """Return a date, or the day of a time in UTC (Mali's time), as 31/01/2027."""
        if isinstance(moment, datetime) and moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return moment.strftime("%d/%m/%Y")

    def amount(self, value: int) -> str:
        """Return a whole amount with its thousands apart: 65 000."""
        return f"{value:,}".replace(",", "\u202f")

    def choices(self) -> dict[str, list[tuple[str, str]]]:
        """Return the options of the vacancy form's selects, checkbox groups and suggestions."""
        taxonomy = get_taxonomy()
        return {
            "level": [(v, self.scale(v)) for v in LEVELS],
            "shift": [(v, self.scale(v)) for v in SHIFTS],
            "min_literacy": [(v, self.scale(v)) for v in LITERACY_LEVELS if v != "none"],
            "language_level": [(v, self.scale(v)) for v in LANGUAGE_LEVELS],
            "driving_licence": [(v, v) for v in LICENCE_CATEGORIES],
            "language": sorted(((x.code, self.language(x.code)) for x in taxonomy.languages), key=_by_name),
            "certification": [(c.code, self.certification(c.code)) for c in taxonomy.certifications if c.valid_in_mali],
            "skill": sorted(((s.code, self.skill(s.code)) for s in taxonomy.skills), key=_by_name),
            "town": sorted(((t.name, t.name) for t in taxonomy.towns), key=_by_name),
        }


def components_shown(vacancy: Vacancy) -> list[str]:
    """Return the score components a vacancy gives content to, in the engine's order.

    The others are 1 for everyone ("no preferred skill asked"): the engine never gives them as reasons
    (matching.explain), and the page leaves their bars out too.
    """
    return components.applying(vacancy)


def _by_name(option: tuple[str, str]) -> str:
    return fold(option[1])  # "Ségou" between "San" and "Sikasso", not after "Syama"


# ---------------------------------------------------------------- the vacancy form


TEXT_FIELDS = ("title", "level", "town", "seats", "min_literacy", "min_experience_years", "driving_licence", "shift",
               "start_date", "salary_fcfa_month", "description")  # fmt: skip
LIST_FIELDS = ("required_certifications", "preferred_certifications", "required_skills", "preferred_skills")
LANGUAGE_ROWS = 3
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass
class VacancyForm:
    """The vacancy form as typed: text fields, ticked taxonomy codes, "other" free text, language rows."""

    text: dict[str, str] = field(default_factory=lambda: {"level": "guard", "seats": "1", "min_experience_years": "0"})
    ticked: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in LIST_FIELDS})
    other: dict[str, str] = field(default_factory=lambda: dict.fromkeys(LIST_FIELDS, ""))
    languages: list[tuple[str, str]] = field(default_factory=lambda: [("", "")] * LANGUAGE_ROWS)

    @classmethod
    def from_form(cls, form: FormData) -> VacancyForm:
        """Read the submitted form, keeping every value as typed (to show it again next to its error)."""
        rows = [(str(form.get(f"language_{i}") or ""), str(form.get(f"language_level_{i}") or "")) for i in range(LANGUAGE_ROWS)]
        return cls(
            text={name: str(form.get(name) or "") for name in TEXT_FIELDS},
            ticked={name: [str(v) for v in form.getlist(name)] for name in LIST_FIELDS},
            other={name: str(form.get(f"{name}_other") or "") for name in LIST_FIELDS},
            languages=rows,
        )

    @classmethod
    def from_vacancy(cls, vacancy: Vacancy) -> VacancyForm:
        """Fill the form with a saved vacancy: taxonomy values ticked, the others in the "other" fields."""
        stored = exchange_fields(vacancy)
        known = {name: _known_codes(name) for name in LIST_FIELDS}
        languages = [(x["language"], x["level"]) for x in stored["required_languages"]]
        return cls(
            text={name: form_text(stored[name]) for name in TEXT_FIELDS},
            ticked={name: [v for v in stored[name] if v in known[name]] for name in LIST_FIELDS},
            other={name: ", ".join(v for v in stored[name] if v not in known[name]) for name in LIST_FIELDS},
            languages=languages + [("", "")] * max(LANGUAGE_ROWS - len(languages), 1),
        )

    def data(self) -> dict[str, Any]:
        """Return every exchange field of the vacancy, as the service checks them (an empty field is no value)."""
        data: dict[str, Any] = {name: _value(name, self.text.get(name, "")) for name in TEXT_FIELDS}
        for name in LIST_FIELDS:
            data[name] = list(dict.fromkeys([*self.ticked[name], *_items(self.other[name])]))
        data["required_languages"] = [{"language": code, "level": level} for code, level in self.languages if code.strip()]
        return data


def _known_codes(name: str) -> frozenset[str]:
    taxonomy = get_taxonomy()
    return (
        frozenset(c.code for c in taxonomy.certifications)
        if "certification" in name
        else frozenset(s.code for s in taxonomy.skills)
    )


def _value(name: str, typed: str) -> Any:
    typed = typed.strip()
    if name == "min_experience_years":
        return _SPACES.sub("", typed).replace(",", ".") or 0  # empty: no minimum
    if name in ("seats", "salary_fcfa_month"):
        return _SPACES.sub("", typed) or None
    return typed or None


def _items(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,;\n]", text) if item.strip()]


# ---------------------------------------------------------------- offers and placements, as the company sees them


PLACEMENT_FIELDS = ("start_date", "salary_fcfa_month")
#: States in which the company sees who the trainee is (name and phone): once the trainee accepted.
REVEALED = frozenset({OfferState.accepted, OfferState.confirmed})
#: The offers a company sees: never the officers' shortlist.
EMPLOYER_STATES = tuple(state for state in OfferState if state != OfferState.shortlisted)
#: Where an offer comes in the company's list: those waiting for the company first, then for the trainee.
_ORDER = {OfferState.accepted: 0, OfferState.offered: 1}


class PlacementTerms(BaseModel):
    """A confirmation's start date and monthly salary, checked like the same fields of a vacancy."""

    start_date: IsoDate
    salary_fcfa_month: int = Checked(ge=1, le=MAX_SALARY)


def placement_terms(values: Mapping[str, Any]) -> PlacementTerms:
    """Read a confirmation's terms as typed in a form ("65 000") or sent in a body; InvalidPlacement names each wrong field."""
    given = {name: _value(name, value) if isinstance(value, str) else value for name, value in values.items()}
    try:
        return PlacementTerms.model_validate({name: given.get(name) for name in PLACEMENT_FIELDS})
    except ValidationError as invalid:
        raise employer_errors.InvalidPlacement(problems_from_errors(invalid.errors(include_url=False))) from None


def typed_terms(vacancy: Vacancy) -> dict[str, str]:
    """Return the confirmation form's fields filled with the vacancy's own start date and salary."""
    return {"start_date": form_text(vacancy.start_date), "salary_fcfa_month": form_text(vacancy.salary_fcfa_month)}


def ending_reason_required(lang: str) -> str:
    """Return the message asking why a placement ends."""
    return message("end_reason_required", lang)


@dataclass(frozen=True)
class OfferView:
    """An offer as its company sees it: the trainee's code and initials, the name and phone once accepted, the placement."""

    offer: Offer
    code: str
    initials: str
    name: str | None
    phone: str | None
    placement: Placement | None


@dataclass(frozen=True)
class VacancyOffers:
    """A vacancy's offers for its company: the hirings (placements, current first) and the other offers."""

    placements: list[OfferView]
    offers: list[OfferView]

    def states(self) -> dict[int, str]:
        """Return the state of each trainee's offer, by trainee id."""
        return {view.offer.trainee_id: view.offer.state.value for view in [*self.placements, *self.offers]}


def offer_views(session: Session, offers: Sequence[Offer]) -> list[OfferView]:
    """Return the offers with what their company may see of each trainee, in the same order."""
    trainee_ids = {o.trainee_id for o in offers}
    offer_ids = [o.id for o in offers if o.id is not None]
    profiles = {p.id: p for p in session.exec(select(TraineeProfile).where(col(TraineeProfile.id).in_(trainee_ids)))}
    placements = {p.offer_id: p for p in session.exec(select(Placement).where(col(Placement.offer_id).in_(offer_ids)))}
    return [_view(o, profiles[o.trainee_id], placements.get(o.id or 0)) for o in offers]


def _view(offer: Offer, profile: TraineeProfile, placement: Placement | None) -> OfferView:
    shown = offer.state in REVEALED
    return OfferView(offer=offer, code=profile.code, initials=candidates_engine.initials(profile.full_name),
                     name=profile.full_name if shown else None, phone=profile.phone if shown else None,
                     placement=placement)  # fmt: skip


def vacancy_offers(*, session: Session, by: User, vacancy_id: int) -> VacancyOffers:
    """Return a vacancy's offers as its company sees them: hirings (current first), then offers waiting for the company."""
    offers = offers_service.list_offers(session=session, by=by, vacancy_id=vacancy_id, states=EMPLOYER_STATES)
    views = offer_views(session, offers)
    hired = sorted((v for v in views if v.placement), key=lambda v: v.placement is not None and v.placement.ended_at is not None)
    others = sorted((v for v in views if not v.placement), key=lambda v: _ORDER.get(v.offer.state, len(_ORDER)))
    return VacancyOffers(placements=hired, offers=others)


# ---------------------------------------------------------------- dependencies


def employer_company(user: EmployerUser) -> int:
    """Return the id of the signed-in employer's company."""
    if user.employer_id is None:
        raise employer_errors.EmployerNotFound(user.id)
    return user.employer_id


CompanyId = Annotated[int, Depends(employer_company)]


async def submitted_form(request: Request) -> FormData:
    """Return the submitted form (read once, and kept, by the CSRF check)."""
    return await request.form()


Submitted = Annotated[FormData, Depends(submitted_form)]


def done_message(done: str, lang: str) -> str | None:
    """Return the confirmation named by a redirect's ?done=, or None."""
    return message(f"done_{done}", lang) if f"done_{done}" in MESSAGES else None
