"""A history placement imported onto an open vacancy takes one of its seats while it runs, as a confirmed offer does:
the last seat fills the vacancy, an end given later gives the seat back, and a file that would overfill a vacancy is
refused naming the record (nothing written)."""

from __future__ import annotations

from sqlmodel import Session, func, select

from employers.models import Placement, Vacancy, VacancyStatus
from tests.employers.factories import profile, stored_vacancy
from tests.employers.test_history_store import approved_company, errors, load

HEADER = "id,trainee_id,vacancy_id,employer,level,start_date,end_date,end_reason,salary_fcfa_month\n"


def line(pid: str, trainee: str, vacancy: str, *, ended: bool = False) -> str:
    """Return a placement's CSV line: started 2026-03-01, running unless `ended` (2026-06-30, resigned)."""
    end = "2026-06-30,resigned" if ended else ","
    return f"{pid},{trainee},{vacancy},Sahel Sécurité,guard,2026-03-01,{end},45000\n"


def world(session: Session, seats: int, status: VacancyStatus = VacancyStatus.open) -> Vacancy:
    """Store three trainees (A-1, A-2, A-3) and a vacancy of an approved company with these seats."""
    for n in (1, 2, 3):
        profile(session, id=f"A-{n}", full_name=f"Agent {n}")
    return stored_vacancy(session, approved_company(session, "Sahel Sécurité"), seats=seats, status=status)


def seats_of(session: Session, vacancy: Vacancy) -> tuple[int, VacancyStatus]:
    """Return the vacancy's filled seats and status as stored."""
    session.expire_all()
    found = session.get(Vacancy, vacancy.id)
    assert found is not None
    return found.filled_seats, found.status


def test_a_running_placement_takes_a_seat_and_the_last_one_fills_the_vacancy(session: Session) -> None:
    job = world(session, seats=2)
    done = load(session, "placements", HEADER + line("H-1", "A-1", job.code) + line("H-2", "A-2", job.code, ended=True),
                fmt="csv")  # fmt: skip
    assert done.ok and done.created == 2, errors(done)
    assert seats_of(session, job) == (1, VacancyStatus.open)
    assert load(session, "placements", HEADER + line("H-3", "A-3", job.code), fmt="csv").ok
    assert seats_of(session, job) == (2, VacancyStatus.filled)


def test_a_file_overfilling_a_vacancy_is_refused_naming_the_record(session: Session) -> None:
    job = world(session, seats=1)
    done = load(session, "placements", HEADER + line("H-1", "A-1", job.code) + line("H-2", "A-2", job.code), fmt="csv")
    assert errors(done) == [
        f"placements.csv: row 3 (H-2), field 'vacancy_id': vacancy {job.code} has no free seat left: the running "
        "placement H-2 would overfill it"
    ]
    assert session.exec(select(func.count()).select_from(Placement)).one() == 0
    assert seats_of(session, job) == (0, VacancyStatus.open)


def test_an_end_given_later_gives_the_seat_back(session: Session) -> None:
    job = world(session, seats=1)
    assert load(session, "placements", HEADER + line("H-1", "A-1", job.code), fmt="csv").ok
    assert seats_of(session, job) == (1, VacancyStatus.filled)
    refused = load(session, "placements", HEADER + line("H-2", "A-2", job.code), fmt="csv")
    assert [i.record_id for i in refused.errors] == ["H-2"]
    ended = load(session, "placements", HEADER + line("H-1", "A-1", job.code, ended=True) + line("H-2", "A-2", job.code),
                 fmt="csv")  # fmt: skip
    assert ended.ok and ended.updated == 1 and ended.created == 1, errors(ended)
    assert seats_of(session, job) == (1, VacancyStatus.filled)
    assert load(session, "placements", HEADER + line("H-2", "A-2", job.code, ended=True), fmt="csv").ok
    assert seats_of(session, job) == (0, VacancyStatus.open)


def test_a_closed_vacancy_counts_no_seat(session: Session) -> None:
    job = world(session, seats=1, status=VacancyStatus.closed)
    done = load(session, "placements", HEADER + line("H-1", "A-1", job.code) + line("H-2", "A-2", job.code), fmt="csv")
    assert done.ok and done.created == 2, errors(done)
    assert seats_of(session, job) == (0, VacancyStatus.closed)
