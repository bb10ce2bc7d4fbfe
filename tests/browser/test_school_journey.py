"""Issue #9, in a real browser: the training school records grades and a certification, the trainee's ranking on a vacancy
changes at once, and the officers' calendar shows the cohort.

A cohort in training (centre A) has three consenting trainees alike but for their training: one with no grade at all
(scored as 10/20), one graded 14/20, one 12/20. An employer's open vacancy prefers SSIAP1. The trainer (a phone) takes
the day's roll call, grades the ungraded trainee 19/20 in both modules and awards SSIAP1; the employer's candidate list
(desktop) puts that trainee first; the officer's calendar draws the cohort on its time line with today marked and
lists its trainees by phase. Screenshots go to var/screenshots/issue9-NN-<step>.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from core.clock import utcnow
from employers import candidates
from profiles import cohorts
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, screenshot
from tests.browser.test_employer_journey import field
from tests.browser.test_placement_journey import LOCALE, Traffic, section, shot, sign_in
from tests.employers.factories import profile, stored_vacancy
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, expect  # noqa: E402

TODAY = utcnow().date()
COHORT = "2026-A"
UNGRADED, GOOD, FAIR = "T-2026-0001", "T-2026-0002", "T-2026-0003"
CERTIFICATE = "SSIAP-2026-0417"


@dataclass(frozen=True)
class Cast:
    """The accounts' logins, the vacancy's id and the ungraded trainee's name."""

    employer: str
    officer: str
    school: str
    vacancy_id: int
    ungraded_name: str


def seed(engine: Engine) -> Cast:
    """Store the cohort (in training today), its three trainees, a company's open vacancy and the three accounts."""
    day = lambda n: (TODAY + timedelta(days=n)).isoformat()  # noqa: E731
    with Session(engine) as session:
        cohort = cohorts.create_cohort(session=session, data={
            "code": COHORT, "name": "Pilote Bamako", "centre": "Centre de formation de Bamako", "selection_start": day(-160),
            "selection_end": day(-110), "training_start": day(-20), "return_date": day(-13), "training_end": day(36),
            "employment_start": day(66), "modules": [{"name": "secourisme", "weight": 2}, {"name": "incendie", "weight": 1}],
        })  # fmt: skip
        session.commit()
        names = {UNGRADED: "Awa Traoré", GOOD: "Bakary Diarra", FAIR: "Coumba Sow"}
        grades = {UNGRADED: {"cohort": COHORT}, GOOD: {"cohort": COHORT, "overall": 14}, FAIR: {"cohort": COHORT, "overall": 12}}
        for code, name in names.items():
            profile(session, id=code, full_name=name, training=grades[code], certifications=[])
        company = employer(session, name="Sahel Gardiennage SARL")
        vacancy = stored_vacancy(session, company, title="Agent de sécurité — Hippodrome", preferred_certifications=["SSIAP1"])
        cast = Cast(
            employer=user(session, Role.employer, employer_id=company.id).login, officer=user(session, Role.officer).login,
            school=user(session, Role.school, centre_id=cohort.centre_id).login, vacancy_id=vacancy.id or 0,
            ungraded_name=names[UNGRADED],
        )  # fmt: skip
    candidates.invalidate()  # stored behind the application's back
    return cast


@pytest.fixture
def desk(chromium: Browser, live_server: str) -> Iterator[tuple[Page, Traffic]]:
    """Yield a desktop page and the record of its requests."""
    traffic = Traffic(live_server)
    context = traffic.watch(chromium.new_context(viewport=DESKTOP, locale=LOCALE))  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page, traffic
    context.close()


@pytest.fixture
def phone(chromium: Browser, live_server: str) -> Iterator[tuple[Page, Traffic]]:
    """Yield the trainer's phone-sized page and the record of its requests."""
    traffic = Traffic(live_server)
    context = traffic.watch(chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=LOCALE))  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page, traffic
    context.close()


def test_school_grades_move_the_trainee_up_and_the_calendar_shows_the_cohort(
    live_server: str, browser_engine: Engine, desk: tuple[Page, Traffic], phone: tuple[Page, Traffic]
) -> None:
    cast = seed(browser_engine)
    (office, office_traffic), (school, school_traffic) = desk, phone
    vacancy_url = f"{live_server}/employer/vacancies/{cast.vacancy_id}"
    sign_in(office, live_server, cast.employer, PASSWORD, "/employer")
    assert ranking(office, vacancy_url) == [GOOD, FAIR, UNGRADED]
    shot(office, "issue9-01-employer-before", office.get_by_role("heading", level=2, name="Candidats", exact=True))

    trainer_records(school, live_server, cast)
    assert ranking(office, vacancy_url) == [UNGRADED, GOOD, FAIR]
    shot(office, "issue9-06-employer-after", office.locator("tbody tr").first)

    office.context.clear_cookies()
    officer_sees_calendar(office, live_server, cast)
    for traffic in (office_traffic, school_traffic):
        assert traffic.outside() == [], f"requests to other hosts: {traffic.outside()}"
        assert [f for f in traffic.failed if "/grades" not in f] == [], traffic.failed


def ranking(page: Page, vacancy_url: str) -> list[str]:
    """Return the trainee codes of the vacancy's candidates, best first, as its employer sees them."""
    page.goto(vacancy_url)
    ticks = page.locator('tbody input[type="checkbox"][name="code"]')  # the compact list: one row per candidate
    expect(ticks).to_have_count(3)
    return [str(code) for code in ticks.evaluate_all("boxes => boxes.map(box => box.value)")]


def trainer_records(page: Page, base: str, cast: Cast) -> None:
    """On a phone: the centre's cohorts, the roll call, the grades (one refused first), a certification."""
    sign_in(page, base, cast.school, PASSWORD, "/school", touch=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Centre de formation de Bamako")
    expect(page.get_by_role("heading", level=2)).to_have_text(f"{COHORT} — Pilote Bamako")
    page.get_by_role("link", name=f"{COHORT} — Pilote Bamako").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Promotion {COHORT}")
    rows = page.get_by_role("table").first.get_by_role("row")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text=UNGRADED)).to_contain_text("En formation")
    shot(page, "issue9-02-school-cohort")

    page.get_by_label(re.compile("^Séance")).fill("matin")
    page.get_by_role("button", name="Faire l'appel").tap()
    expect(page.get_by_role("checkbox")).to_have_count(3)
    page.get_by_role("checkbox", name=re.compile("Coumba Sow")).uncheck()
    shot(page, "issue9-03-school-roll-call")
    page.get_by_role("button", name="Enregistrer les présences").tap()
    expect(page.get_by_role("status")).to_have_text("Les présences sont enregistrées.")
    expect(page.get_by_role("row").filter(has_text="matin")).to_contain_text("2/3")

    page.get_by_role("link", name=cast.ungraded_name).tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text(cast.ungraded_name)
    field(page, "secourisme (poids 2)").fill("21")
    field(page, "incendie (poids 1)").fill("19")
    page.get_by_role("button", name="Enregistrer les notes").tap()
    expect(page.get_by_text("Écrivez une note entre 0 et 20, par exemple 14,5.")).to_be_visible()
    expect(field(page, "secourisme (poids 2)")).to_have_value("21")
    field(page, "secourisme (poids 2)").fill("19")
    page.get_by_role("button", name="Enregistrer les notes").tap()
    expect(page.get_by_role("status")).to_have_text("Les notes sont enregistrées.")
    expect(page.get_by_text(re.compile(r"Note générale :\s*19/20\s*\(moyenne pondérée des modules\)"))).to_be_visible()
    shot(page, "issue9-04-school-grades", page.get_by_role("status"))

    field(page, "Certification").select_option("SSIAP1")
    field(page, "Numéro du certificat").fill(CERTIFICATE)
    page.get_by_role("button", name="Enregistrer la certification").tap()
    expect(page.get_by_role("status")).to_have_text("La certification est enregistrée.")
    awarded = section(page, "Certifications délivrées").get_by_role("row").filter(has_text=CERTIFICATE)
    expect(awarded.get_by_role("cell")).to_have_text([re.compile(r"\(SSIAP 1\)$"), f"{TODAY:%d/%m/%Y}", CERTIFICATE])
    shot(page, "issue9-05-school-certification", section(page, "Certifications délivrées"))


def officer_sees_calendar(page: Page, base: str, cast: Cast) -> None:
    """The officer's calendar: the cohort's row on the time line, today's line, the table, the trainees by phase."""
    sign_in(page, base, cast.officer, PASSWORD, "/officer")
    page.get_by_role("link", name="Calendrier", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendrier des promotions")
    timeline = page.get_by_role("img", name=re.compile("^Calendrier des promotions, du "))
    expect(timeline).to_be_visible()
    expect(timeline.locator("text.cohort-name")).to_have_text([COHORT])
    expect(timeline.locator("rect.bar")).to_have_count(3)
    expect(timeline.locator("line.today")).to_have_count(1)
    table = page.get_by_role("table", name="Les dates, en tableau")
    bamako = table.get_by_role("row").filter(has_text="Formation à Bamako").get_by_role("cell")
    expect(bamako).to_have_text(
        ["Formation à Bamako", f"{TODAY - timedelta(days=13):%d/%m/%Y}", f"{TODAY + timedelta(days=36):%d/%m/%Y}"]
    )
    roster = page.get_by_role("region", name=re.compile(rf"^{COHORT} — Pilote Bamako"))
    expect(roster.get_by_role("heading", level=4)).to_have_text(["En formation (3)"])
    expect(roster.get_by_role("link", name=UNGRADED)).to_be_visible()
    screenshot(page, "issue9-07-officer-calendar")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("figure.timeline").screenshot(path=str(SCREENSHOTS / "issue9-08-officer-timeline.png"))
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    screenshot(page, "issue9-09-officer-calendar-phone")
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
