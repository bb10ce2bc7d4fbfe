"""The demo: a database seeded with companies, accounts, two cohorts and a year of their history, trainees, open
vacancies and one offer, for trying the application.

The generated trainees are shared by two cohorts whose dates count from today, so the demo never ages: the
*previous* cohort finished its training about thirteen months ago and has a year of history — placements (some
ended, with their reasons, one replaced by a second job, one paid below the minimum wage), follow-ups 1, 3, 6 and
12 months after each start with reintegration scores (a few left undone: due or overdue), two departures (one
re-migration) and a trainee who did not complete the training; the *current* cohort is in training, graded module
by module with no overall grade yet (theirs is the cohort-weighted mean). A cohort's code is its training start's
year and session (A from January, B from May, C from September). Both cohorts follow the pilot's calendar
(selection in France, a week of training in Paris, the return, eight weeks in Bamako, jobs a month later) and are
trained by the demo training centre, whose school account sees them. The history is written as INDICATORS.md's
files beside the generated ones and imported through `rdvm import`'s pipeline.

Every demo password and PIN is fixed and printed in the README; no default account exists outside the demo. Seeding
refuses a database that holds accounts but not the demo's, so it cannot plant known passwords in a real one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, func, select

from core.clock import utcnow
from employers import candidates as candidates_engine
from employers import offers
from employers import service as employers_service
from employers.imports import import_text
from employers.models import Employer, EmployerStatus, Offer, Vacancy, VacancyStatus
from matching import exchange, synth
from matching.country import DEFAULT_COUNTRY, active_country, get_pack, read_pack_file
from matching.exchange import Issue
from profiles import cohorts as cohorts_service
from profiles import history
from profiles import service as profiles_service
from profiles.indicators import add_months
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
    placements: int = 0
    followups: int = 0
    warnings: list[Issue] = field(default_factory=list)
    sign_ins: list[SignIn] = field(default_factory=list)


class DemoError(Exception):
    """The demo cannot be seeded into this database."""


STAFF = (
    SignIn(Role.admin, "admin@demo.rdvm.ml", "admin-demo-2026", "Administratrice (démo)"),
    SignIn(Role.officer, "agent@demo.rdvm.ml", "agent-demo-2026", "Agent de placement (démo)"),
    SignIn(Role.auditor, "audit@demo.rdvm.ml", "audit-demo-2026", "Auditeur (démo)"),
)
#: PINs of the demo trainees' accounts, given in order of trainee code to the first trainees with a phone number.
TRAINEE_PINS = ("202601", "202602", "202603")
#: The demo training centre's trainers' account (the centre is named in the country pack's demo.json).
SCHOOL = SignIn(Role.school, "ecole@demo.rdvm.ml", "ecole-demo-2026", "Formateurs du centre (démo)")
#: The modules the generated trainees are graded in, and their weight in the overall grade.
MODULE_WEIGHTS = {"secourisme": 2, "securite_incendie": 2, "droit": 1, "gestion_conflits": 1, "controle_acces": 1,
                  "redaction_rapports": 1, "francais": 1}  # fmt: skip
#: How many days before today each cohort started its training: the previous one (a year of history), the current one.
TRAINING_STARTED_DAYS_AGO = {"previous": 450, "current": 35}
#: The demo's trainees of the previous cohort: those whose generated id is of these years (the others are current).
PREVIOUS_YEARS = ("2024", "2025")
BUDGETS_EUR = {"previous": 60_000, "current": 45_000}


@dataclass(frozen=True)
class Job:
    """A demo placement: its start and end in days after the cohort's training end, and its follow-ups.

    `followups` maps a month to the employment found (None: the person was not reached); a month left out is a
    follow-up not done (due or overdue once its date has passed). A follow-up is done five days after its date,
    and only when that day has come.
    """

    start: int
    company: int
    salary: int
    followups: dict[int, str | None]
    end: int | None = None
    reason: str | None = None
    level: str = "guard"


@dataclass(frozen=True)
class Departure:
    """A demo trainee who left the programme: why (a DropoutReason code), and how many days after the training's end."""

    reason: str
    days: int


#: A demo trainee who did not complete the training (and is looking for a job).
NOT_COMPLETED = "not_completed"
#: The previous cohort's story, one entry per trainee (in order of id, after the three with demo accounts, who are
#: still looking for a job): their jobs, or their departure, or NOT_COMPLETED; the trainees after them look for a job.
STORIES: tuple[tuple[Job, ...] | Departure | str, ...] = (
    (Job(20, 0, 55_000, {1: "same_employer", 3: "same_employer", 6: "same_employer", 12: "same_employer"}),),
    (Job(25, 1, 50_000, {1: "same_employer", 3: "same_employer"}, end=140, reason="resigned"),
     Job(170, 2, 60_000, {1: "same_employer", 3: "same_employer", 6: "same_employer"})),
    (Job(28, 2, 48_000, {1: "same_employer", 3: "unemployed", 6: None}, end=90, reason="dismissed"),),
    (Job(30, 0, 52_000, {1: "same_employer", 3: "same_employer", 6: None, 12: "abroad"}, end=200, reason="remigrated"),),
    (Job(35, 1, 45_000, {1: "unemployed"}, end=50, reason="trial_failed"),),
    (Job(40, 2, 50_000, {1: "same_employer", 3: "same_employer", 6: "same_employer", 12: "other_job"}, end=250,
         reason="contract_ended"),),
    (Job(45, 0, 75_000, {1: "same_employer", 3: "same_employer", 6: "same_employer"}, level="supervisor"),),
    (Job(60, 1, 38_000, {1: "same_employer", 3: "same_employer"}),),
    (Job(100, 2, 50_000, {1: None, 3: "same_employer"}),),
    Departure("other_job", 15),
    Departure("remigrated", 60),
    NOT_COMPLETED,
)  # fmt: skip


def seed(*, session: Session, folder: Path) -> DemoResult:
    """Write the demo files into `folder` and seed the database from them (flushes; the caller commits)."""
    if not is_demo_database(session=session):
        raise DemoError("this database holds accounts that are not the demo's: the demo seeds only an empty or demo database")
    today = utcnow().date()
    starts = cohort_starts(today)
    trainees_file, vacancies_file = write_files(folder, starts)
    trainees, warnings = load(trainees_file, "trainees")
    vacancies, more_warnings = load(vacancies_file, "vacancies")
    companies = [upsert_company(session=session, company=c) for c in demo_companies()]
    centre_id = upsert_cohorts(session=session, starts=starts)  # first: the import weighs the grades with them
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
    result.cohorts = len(starts)
    placements_file, followups_file = write_history(folder, trainees, starts, today)
    result.files += [placements_file, followups_file]
    result.placements = import_history(session=session, path=placements_file, kind="placements")
    result.followups = import_history(session=session, path=followups_file, kind="followups")
    first_trainee = next(s for s in result.sign_ins if s.role == Role.trainee)
    offer_to_first_trainee(session=session, login=first_trainee.login, vacancy_codes=sorted(v.id for v in vacancies))
    return result


@cache
def demo_pack(country: str) -> dict[str, Any]:
    """Return a country pack's demo.json (its demo companies and training centre), or Mali's when it has none."""
    found: dict[str, Any] | None = read_pack_file(country, "demo.json") or read_pack_file(DEFAULT_COUNTRY, "demo.json")
    if found is None:
        raise DemoError(f"the {DEFAULT_COUNTRY} country pack has no demo.json")
    return found


def demo_companies(country: str | None = None) -> tuple[DemoCompany, ...]:
    """Return a country's demo companies (the active country's by default)."""
    return tuple(DemoCompany(**company) for company in demo_pack(country or active_country())["companies"])


def demo_centre(country: str | None = None) -> str:
    """Return the name of a country's demo training centre (the active country's by default)."""
    return str(demo_pack(country or active_country())["centre"])


def local_salary(salary: int) -> int:
    """Return a story's salary (written for Mali's SMIG) in proportion to the active country's minimum wage, to
    the 500 below: the same story, one job below the minimum wage, in every country."""
    pack = get_pack()
    return salary * pack.minimum_wage_month // get_pack("ML").minimum_wage_month // 500 * 500


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


def write_files(folder: Path, starts: dict[str, date]) -> tuple[Path, Path]:
    """Generate the demo pool (fixed seed), vacancies shared round-robin by the companies, trainees shared by the two
    cohorts (the previous one's departures and results in their records); return the JSON files."""
    trainees, vacancies = synth.generate(trainees=TRAINEES, vacancies=VACANCIES, seed=SEED)
    for i, vacancy in enumerate(vacancies):
        vacancy["employer"] = demo_companies()[i % len(demo_companies())].name
    previous, current = (cohort_code(starts[name]) for name in ("previous", "current"))
    end = training_end(starts["previous"])
    stories = dict(zip(story_codes(trainees), STORIES, strict=False))
    for trainee in trainees:
        training = trainee.setdefault("training", {})
        if trainee["id"].split("-")[1] in PREVIOUS_YEARS:
            story = stories.get(trainee["id"])
            training.update(cohort=previous, completed=story != NOT_COMPLETED)
            if isinstance(story, Departure):
                trainee.update(dropped_out_on=(end + timedelta(days=story.days)).isoformat(), dropout_reason=story.reason)
        else:
            training["cohort"] = current
            if training.get("modules"):
                training.pop("overall", None)  # graded module by module: the overall grade is the weighted mean
    synth.write(folder, trainees, vacancies)
    return folder / "trainees.json", folder / "vacancies.json"


def story_codes(trainees: list[dict[str, Any]]) -> list[str]:
    """Return the ids of the previous cohort's trainees whose story STORIES tells: all but the first three with a phone."""
    previous = sorted(t["id"] for t in trainees if t["id"].split("-")[1] in PREVIOUS_YEARS)
    with_phone = [code for code in previous if any(t["id"] == code and t.get("phone") for t in trainees)]
    return [code for code in previous if code not in with_phone[: len(TRAINEE_PINS)]]


def write_history(folder: Path, trainees: list[Any], starts: dict[str, date], today: date) -> tuple[Path, Path]:
    """Write the previous cohort's placements and follow-ups as INDICATORS.md's files; return their paths."""
    end = training_end(starts["previous"])
    stories = dict(zip(story_codes([t.model_dump() for t in trainees]), STORIES, strict=False))
    placements, followups = [], []
    for code, story in stories.items():
        for n, job in enumerate(story if isinstance(story, tuple) else ()):
            placement = demo_placement(f"P-DEMO-{code[2:]}-{n + 1}", code, job, end, today)
            placements.append(placement)
            followups += demo_follow_ups(placement, job, today)
    paths = folder / "placements.json", folder / "followups.json"
    history.write_records(paths[0], placements, "placements")
    history.write_records(paths[1], followups, "followups")
    return paths


def demo_placement(code: str, trainee_id: str, job: Job, training_ended: date, today: date) -> history.Placement:
    """Return a demo job as a history placement (an end still to come is no end yet)."""
    company = demo_companies()[job.company]
    ended = training_ended + timedelta(days=job.end) if job.end is not None else None
    data = {"id": code, "trainee_id": trainee_id, "employer": company.name, "level": job.level, "town": company.town,
            "start_date": training_ended + timedelta(days=job.start), "salary_fcfa_month": local_salary(job.salary),
            "end_date": ended if ended and ended <= today else None,
            "end_reason": job.reason if ended and ended <= today else None}  # fmt: skip
    return history.Placement.model_validate(data)


def demo_follow_ups(placement: history.Placement, job: Job, today: date) -> list[history.FollowUp]:
    """Return a demo job's follow-ups done by today, with reintegration scores in [0, 1] for those who were reached."""
    done = []
    for month, employment in job.followups.items():
        day = add_months(placement.start_date, month) + timedelta(days=5)
        if day > today:
            continue
        record: dict[str, Any] = {"placement_id": placement.id, "month": month, "done_on": day, "reached": employment is not None,
                                  "employment": employment}  # fmt: skip
        if employment is not None:
            low = 0.0 if employment in ("same_employer", "other_job", "other_security_job") else 0.2
            record |= {"economic": round(0.45 + 0.03 * month - low, 2), "social": round(0.5 + 0.025 * month - low / 2, 2),
                       "psychosocial": round(0.4 + 0.035 * month - low, 2)}  # fmt: skip
        done.append(history.FollowUp.model_validate(record))
    return done


def import_history(*, session: Session, path: Path, kind: history.HistoryKind) -> int:
    """Import a demo history file as `rdvm import` does; return how many records it holds."""
    outcome = import_text(session=session, text=path.read_text("utf-8"), source=str(path), fmt="json", kind=kind)
    if not outcome.ok:
        raise DemoError("\n".join(str(issue) for issue in outcome.errors))
    return outcome.records


def load(path: Path, kind: exchange.Kind) -> tuple[list[Any], list[Issue]]:
    """Read a generated file; return its records and warnings (the generator writes no errors)."""
    result = exchange.load(path, kind)
    if not result.ok:
        raise DemoError("\n".join(str(issue) for issue in result.errors))
    return result.records, result.warnings


def cohort_starts(today: date) -> dict[str, date]:
    """Return the day each demo cohort (previous, current) started its training, counted back from today."""
    return {name: today - timedelta(days=days) for name, days in TRAINING_STARTED_DAYS_AGO.items()}


def cohort_code(start: date) -> str:
    """Return a cohort's code: its training start's year and session (A from January, B from May, C from September)."""
    return f"{start.year}-{'ABC'[(start.month - 1) // 4]}"


def training_end(start: date) -> date:
    """Return the end of a training started on this day: a week in Paris, then eight weeks in Bamako."""
    return start + timedelta(weeks=9) - timedelta(days=3)


def cohort_dates(start: date) -> dict[str, str]:
    """Return a demo cohort's calendar, the pilot's: selection 17 to 10 weeks before, the return after a week, jobs a month
    after the end."""
    end = training_end(start)
    days = {"selection_start": start - timedelta(weeks=17), "selection_end": start - timedelta(weeks=10),
            "training_start": start, "return_date": start + timedelta(days=7), "training_end": end,
            "employment_start": end + timedelta(days=31)}  # fmt: skip
    return {name: value.isoformat() for name, value in days.items()}


def upsert_cohorts(*, session: Session, starts: dict[str, date]) -> int:
    """Create or reset each demo cohort (dates, weights, budget, the demo centre); return the centre's id."""
    modules = [{"name": name, "weight": weight} for name, weight in MODULE_WEIGHTS.items()]
    for name, start in starts.items():
        code = cohort_code(start)
        data = {"code": code, "name": f"Promotion {code} (démo)", "centre": demo_centre(), "modules": modules,
                "budget_eur": BUDGETS_EUR[name], **cohort_dates(start)}  # fmt: skip
        found = cohorts_service.cohort_by_code(session=session, code=code)
        if found is None:
            cohorts_service.create_cohort(session=session, data=data)
        else:
            cohorts_service.update_cohort(session=session, cohort_id=found.id or 0, data=data)
    return cohorts_service.centre_named(session=session, name=demo_centre()).id or 0


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
    for company, employer in zip(demo_companies(), companies, strict=True):
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
