"""The demo: a database seeded with companies, accounts, cohorts, trainees, open vacancies and one offer, for trying the
application.

The generated trainees name nine cohorts (2024-A … 2026-C); each gets a record with dates that follow the pilot's
calendar (selection in France, a week of training in Paris, the return, eight weeks in Bamako, jobs a month later),
the modules' weights, and the demo training centre, whose school account sees them all. The trainees of the cohort
still in training have module grades and no overall grade yet: theirs is the cohort-weighted mean.

Every demo password and PIN is fixed and printed in the README; no default account exists outside the demo. Seeding
refuses a database that holds accounts but not the demo's, so it cannot plant known passwords in a real one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, func, select

from core.clock import utcnow
from employers import candidates as candidates_engine
from employers import offers
from employers import service as employers_service
from employers.models import Employer, EmployerStatus, Offer, Vacancy, VacancyStatus
from matching import exchange, synth
from matching.exchange import Issue
from profiles import cohorts as cohorts_service
from profiles import service as profiles_service
from profiles.models import TraineeProfile
from web.auth import service as auth_service
from web.auth.models import Role, User

SEED = 2026
TRAINEES = 30
VACANCIES = 8


@dataclass(frozen=True)
class DemoCompany:
    """An approved security company of the demo and its one employer account."""

    name: str
    licence_number: str
    town: str
    contact_name: str
    phone: str
    login: str
    password: str


@dataclass(frozen=True)
class SignIn:
    """One demo account as shown to whoever runs the demo."""

    role: Role
    login: str
    secret: str
    name: str


@dataclass
class DemoResult:
    """What seeding did: counts, the warnings of the generated files, and the accounts to sign in with."""

    trainees: tuple[int, int]
    vacancies: tuple[int, int]
    files: list[Path]
    cohorts: int = 0
    warnings: list[Issue] = field(default_factory=list)
    sign_ins: list[SignIn] = field(default_factory=list)


class DemoError(Exception):
    """The demo cannot be seeded into this database."""


COMPANIES = (
    DemoCompany("Askia Garde SA", "DEMO-AGR-001", "Bamako", "Aminata Traoré", "+22320221001",
                "recrutement@askia-garde.demo.ml", "askia-demo-2026"),
    DemoCompany("Vigilance Baobab Express", "DEMO-AGR-002", "Sikasso", "Moussa Coulibaly", "+22321620202",
                "rh@baobab-express.demo.ml", "baobab-demo-2026"),
    DemoCompany("Kénédougou Sûreté SARL", "DEMO-AGR-003", "Kayes", "Fatoumata Diallo", "+22321523003",
                "contact@kenedougou-surete.demo.ml", "kenedougou-demo-2026"),
)  # fmt: skip
STAFF = (
    SignIn(Role.admin, "admin@demo.rdvm.ml", "admin-demo-2026", "Administratrice (démo)"),
    SignIn(Role.officer, "agent@demo.rdvm.ml", "agent-demo-2026", "Agent de placement (démo)"),
)
#: PINs of the demo trainees' accounts, given in order of trainee code to the first trainees with a phone number.
TRAINEE_PINS = ("202601", "202602", "202603")
#: The demo training centre and its trainers' account.
CENTRE = "Centre de formation RDV Bamako (démo)"
SCHOOL = SignIn(Role.school, "ecole@demo.rdvm.ml", "ecole-demo-2026", "Formateurs du centre (démo)")
#: The modules the generated trainees are graded in, and their weight in the overall grade.
MODULE_WEIGHTS = {"secourisme": 2, "securite_incendie": 2, "droit": 1, "gestion_conflits": 1, "controle_acces": 1,
                  "redaction_rapports": 1, "francais": 1}  # fmt: skip
#: When each session of a year starts its training (month, day): A in March, B in June, C in October.
SESSION_STARTS = {"A": (3, 2), "B": (6, 1), "C": (10, 5)}
#: The cohort whose trainees are still graded module by module (no overall grade yet).
IN_TRAINING = "2026-C"


def seed(*, session: Session, folder: Path) -> DemoResult:
    """Write the demo files into `folder` and seed the database from them (flushes; the caller commits)."""
    if not is_demo_database(session=session):
        raise DemoError("this database holds accounts that are not the demo's: the demo seeds only an empty or demo database")
    trainees_file, vacancies_file = write_files(folder)
    trainees, warnings = load(trainees_file, "trainees")
    vacancies, more_warnings = load(vacancies_file, "vacancies")
    companies = [upsert_company(session=session, company=c) for c in COMPANIES]
    cohort_codes = sorted({t.training.cohort for t in trainees if t.training and t.training.cohort})
    centre_id = upsert_cohorts(session=session, codes=cohort_codes)  # first: the import weighs the grades with them
    result = DemoResult(
        trainees=profiles_service.import_trainees(session=session, records=trainees, consent=True),
        vacancies=employers_service.import_vacancies(session=session, records=vacancies, status=VacancyStatus.open),
        files=[trainees_file, vacancies_file],
        warnings=warnings + more_warnings,
    )
    reopen(session=session, codes=[v.id for v in vacancies])
    staff = staff_accounts(session=session, companies=companies)
    school = SCHOOL
    account(session=session, sign_in=school, name=school.name, centre_id=centre_id)
    result.sign_ins = [*staff, school, *trainee_accounts(session=session, codes=[t.id for t in trainees])]
    result.cohorts = len(cohort_codes)
    first_trainee = next(s for s in result.sign_ins if s.role == Role.trainee)
    offer_to_first_trainee(session=session, login=first_trainee.login, vacancy_codes=sorted(v.id for v in vacancies))
    return result


def offer_to_first_trainee(*, session: Session, login: str, vacancy_codes: list[str]) -> Offer | None:
    """Offer the first demo trainee a vacancy they are eligible for, so their page has an offer to answer.

    Nothing is done when the trainee already has an offer (the demo is run again) or fits no demo vacancy.
    """
    trainee = session.exec(select(User).where(User.login == auth_service.normalise_login(login))).one()
    officer = session.exec(select(User).where(User.login == STAFF[1].login)).one()
    profile = session.get(TraineeProfile, trainee.trainee_id)
    if profile is None or offers.list_offers(session=session, by=officer.actor, trainee_id=profile.id):
        return None
    for vacancy in session.exec(select(Vacancy).where(col(Vacancy.code).in_(vacancy_codes)).order_by(col(Vacancy.code))):
        if candidates_engine.eligibility(session=session, vacancy=vacancy, profile=profile).eligible:
            return offers.propose_offer(session=session, vacancy_id=vacancy.id or 0, trainee_id=profile.id or 0, by=officer.actor)
    return None


def is_demo_database(*, session: Session) -> bool:
    """Return whether the database has no account, or has the demo's administrator."""
    accounts = session.exec(select(func.count()).select_from(User)).one()
    return accounts == 0 or session.exec(select(User).where(User.login == STAFF[0].login)).first() is not None


def write_files(folder: Path) -> tuple[Path, Path]:
    """Generate the demo pool (fixed seed), vacancies shared round-robin by the companies; return the JSON files."""
    trainees, vacancies = synth.generate(trainees=TRAINEES, vacancies=VACANCIES, seed=SEED)
    for i, vacancy in enumerate(vacancies):
        vacancy["employer"] = COMPANIES[i % len(COMPANIES)].name
    for trainee in trainees:
        training = trainee.get("training") or {}
        if training.get("cohort") == IN_TRAINING and training.get("modules"):
            training.pop("overall", None)
    synth.write(folder, trainees, vacancies)
    return folder / "trainees.json", folder / "vacancies.json"


def load(path: Path, kind: exchange.Kind) -> tuple[list[Any], list[Issue]]:
    """Read a generated file; return its records and warnings (the generator writes no errors)."""
    result = exchange.load(path, kind)
    if not result.ok:
        raise DemoError("\n".join(str(issue) for issue in result.errors))
    return result.records, result.warnings


def cohort_dates(code: str) -> dict[str, str]:
    """Return a demo cohort's calendar, the pilot's: "2026-A" selects in the autumn before and trains from 2 March 2026."""
    year, session_name = code.split("-")
    month, day = SESSION_STARTS[session_name]
    start = date(int(year), month, day)
    back, end = start + timedelta(days=7), start + timedelta(weeks=9) - timedelta(days=3)
    days = {"selection_start": start - timedelta(weeks=17), "selection_end": start - timedelta(weeks=10), "training_start": start,
            "return_date": back, "training_end": end, "employment_start": end + timedelta(days=31)}  # fmt: skip
    return {name: value.isoformat() for name, value in days.items()}


def upsert_cohorts(*, session: Session, codes: list[str]) -> int:
    """Create or reset each demo cohort (dates, weights, budget, the demo centre); return the centre's id."""
    modules = [{"name": name, "weight": weight} for name, weight in MODULE_WEIGHTS.items()]
    for code in codes:
        data = {"code": code, "name": f"Promotion {code} (démo)", "centre": CENTRE, "modules": modules,
                "budget_eur": 60_000, **cohort_dates(code)}  # fmt: skip
        found = cohorts_service.cohort_by_code(session=session, code=code)
        if found is None:
            cohorts_service.create_cohort(session=session, data=data)
        else:
            cohorts_service.update_cohort(session=session, cohort_id=found.id or 0, data=data)
    return cohorts_service.centre_named(session=session, name=CENTRE).id or 0


def upsert_company(*, session: Session, company: DemoCompany) -> Employer:
    """Create the demo company, or reset it to its demo details (approved)."""
    details: dict[str, Any] = {
        "name": company.name, "town": company.town, "contact_name": company.contact_name, "phone": company.phone,
        "email": company.login, "status": EmployerStatus.approved, "decision_reason": None,
    }  # fmt: skip
    employer = session.exec(select(Employer).where(Employer.licence_number == company.licence_number)).first()
    employer = employer or Employer(licence_number=company.licence_number, **details)
    employer.sqlmodel_update(details)
    employer.decided_at = employer.decided_at or utcnow()
    session.add(employer)
    session.flush()
    return employer


def reopen(*, session: Session, codes: list[str]) -> None:
    """Open the demo vacancies again: re-running resets those closed or filled while trying the application."""
    for vacancy in session.exec(select(Vacancy).where(col(Vacancy.code).in_(codes))):
        if vacancy.status != VacancyStatus.open:
            vacancy.status, vacancy.published_at, vacancy.closed_at = VacancyStatus.open, utcnow(), None
            session.add(vacancy)
    session.flush()


def staff_accounts(*, session: Session, companies: list[Employer]) -> list[SignIn]:
    """Create or reset the administrator's, the officer's and each company's account."""
    sign_ins = list(STAFF)
    for company, employer in zip(COMPANIES, companies, strict=True):
        sign_ins.append(SignIn(Role.employer, company.login, company.password, company.name))
        account(session=session, sign_in=sign_ins[-1], name=company.contact_name, employer_id=employer.id)
    for sign_in in STAFF:
        account(session=session, sign_in=sign_in, name=sign_in.name)
    return sign_ins


def trainee_accounts(*, session: Session, codes: list[str]) -> list[SignIn]:
    """Create or reset accounts for the first of these trainees who have a phone (login: the phone; a fixed PIN)."""
    profiles = profiles_service.by_codes(session=session, codes=codes)
    with_phone = [profiles[code] for code in sorted(codes) if profiles[code].phone]
    sign_ins = []
    for profile, pin in zip(with_phone, TRAINEE_PINS, strict=False):
        sign_ins.append(SignIn(Role.trainee, profile.phone or "", pin, profile.full_name))
        account(session=session, sign_in=sign_ins[-1], name=profile.full_name, trainee_id=profile.id)
    return sign_ins


def account(
    *,
    session: Session,
    sign_in: SignIn,
    name: str,
    employer_id: int | None = None,
    trainee_id: int | None = None,
    centre_id: int | None = None,
) -> User:
    """Create a demo account, or reset an existing one to its demo role, links and password (signing it out)."""
    login = auth_service.normalise_login(sign_in.login)
    user = session.exec(select(User).where(User.login == login)).first()
    if user is None:
        return auth_service.create_user(
            session=session, login=login, full_name=name, role=sign_in.role, secret=sign_in.secret,
            employer_id=employer_id, trainee_id=trainee_id, centre_id=centre_id,
        )  # fmt: skip
    user.full_name, user.role, user.active = name, sign_in.role, True
    user.employer_id, user.trainee_id, user.centre_id = employer_id, trainee_id, centre_id
    auth_service.set_secret(session=session, user=user, new=sign_in.secret)
    return user
