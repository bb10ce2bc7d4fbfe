"""Vacancy codes (issue 13, issue 12 finding 3): one scheme with the exchange files ("V-00001"), race-safe."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine
from sqlmodel import Session

from employers import service as employers_service
from tests.employers.factories import stored_vacancy
from tests.employers.test_service import fields
from tests.web.factories import employer

CREATORS = 8


def test_a_vacancy_made_on_a_page_follows_the_imported_scheme_and_skips_taken_codes(session: Session) -> None:
    company = employer(session)
    stored_vacancy(session, company, id="V-00002")  # as an import names it
    made = [employers_service.create_vacancy(session=session, employer_id=company.id or 0, data=fields()) for _ in range(2)]
    assert [v.code for v in made] == ["V-00003", "V-00004"]  # two vacancies stored: counting starts after them


def test_concurrent_creations_all_succeed_with_distinct_codes(engine: Engine) -> None:
    with Session(engine) as session:
        companies = [employer(session).id or 0 for _ in range(2)]
    barrier = threading.Barrier(CREATORS)

    def create(index: int) -> str:
        with Session(engine) as session:
            barrier.wait(timeout=60)
            made = employers_service.create_vacancy(session=session, employer_id=companies[index % 2], data=fields())
            session.commit()
            return made.code

    with ThreadPoolExecutor(CREATORS) as pool:
        codes = list(pool.map(create, range(CREATORS)))
    assert len(set(codes)) == CREATORS and all(re.fullmatch(r"V-\d{5}", code) for code in codes)
