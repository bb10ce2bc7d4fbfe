"""Issue #10, in a real browser: an officer opens the evaluation of the demo, then its PDF report; an auditor opens the
people behind a figure and sees codes and initials, never a name. Screenshots go to var/screenshots/issue10-NN-<step>.png;
the PDF's pages are rendered to PNG (pypdfium2) beside them.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from profiles.models import TraineeProfile
from tests.browser.conftest import DESKTOP, SCREENSHOTS, screenshot
from tests.browser.test_placement_journey import shot, sign_in
from web import demo

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, expect  # noqa: E402


def staff(role: str) -> demo.SignIn:
    return next(s for s in demo.STAFF if s.role.value == role)


@pytest.fixture(scope="module")
def seeded(browser_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Seed the demo; return the trainees' names."""
    with Session(browser_engine) as session:
        demo.seed(session=session, folder=tmp_path_factory.mktemp("demo"))
        session.commit()
        return [p.full_name for p in session.exec(select(TraineeProfile))]


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport=DESKTOP, locale="fr-FR")
    yield context.new_page()
    context.close()


def test_the_officer_reads_the_evaluation_and_its_pdf(seeded: list[str], live_server: str, page: Page) -> None:
    officer = staff("officer")
    sign_in(page, live_server, officer.login, officer.secret, "/officer")
    page.get_by_role("link", name="Évaluation", exact=True).first.click()
    expect(page.get_by_role("heading", name="Évaluation du programme")).to_be_visible()
    for chart in ("funnel", "retention", "employment"):  # the SVG charts load as images (waited for: a loaded machine)
        selector = f"img[src*='/evaluation/charts/{chart}.svg']"
        page.wait_for_function("s => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth > 0; }",
                               arg=selector, timeout=30_000)  # fmt: skip
    screenshot(page, "issue10-01-evaluation")
    shot(page, "issue10-02-retention", page.get_by_role("heading", name="Maintien dans le premier emploi"))
    placed = page.locator("#table-indicators tr", has_text="Placés").first.locator("td a").inner_text()
    with page.expect_download(timeout=240_000) as download:  # WeasyPrint on a loaded machine takes its time
        page.get_by_role("link", name="Rapport PDF").click(timeout=240_000)
    pdf = Path(download.value.path())
    rendered = _pdf_pages_as_png(pdf, "issue10-03-report")
    assert len(rendered) >= 3 and all(p.stat().st_size > 5_000 for p in rendered)  # cover, pages, annex: drawn, not blank
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert f"Placés {placed}" in text
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("link", name="Classeur Excel (toutes les tables)").click(timeout=120_000)
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))  # its temporary name has no extension
    indicators = {row[0]: row[1] for row in book["indicators"].iter_rows(min_row=2, values_only=True)}
    assert indicators["Placés"] == int(placed)  # a number, not text, and the page's


def test_the_auditor_reads_fairness_and_the_view_log(seeded: list[str], live_server: str, page: Page) -> None:
    auditor = staff("auditor")
    sign_in(page, live_server, auditor.login, auditor.secret, "/evaluation")
    nav = page.locator("nav").first
    for link in ("Évaluation", "Vue bailleurs", "Audit d'équité", "Historique", "Journal des consultations", "Exports"):
        expect(nav.get_by_role("link", name=link, exact=True)).to_be_visible()
    assert nav.get_by_role("link", name="Agents", exact=True).count() == 0  # nothing the auditor may not open
    nav.get_by_role("link", name="Audit d'équité", exact=True).click()
    expect(page.get_by_role("heading", name="Audit d'équité")).to_be_visible()
    screenshot(page, "issue10-05-fairness")
    nav = page.locator("nav").first
    nav.get_by_role("link", name="Journal des consultations", exact=True).click()
    expect(page.get_by_role("heading", name="Journal des consultations")).to_be_visible()
    assert not [name for name in seeded if name in page.content()]
    screenshot(page, "issue10-06-view-log")
    page.locator("nav").first.get_by_role("link", name="Historique", exact=True).click()
    expect(page.locator("#chain")).to_contain_text("Chaîne vérifiée")


def test_the_auditor_sees_people_pseudonymised(seeded: list[str], live_server: str, page: Page) -> None:
    auditor = staff("auditor")
    sign_in(page, live_server, auditor.login, auditor.secret, "/evaluation")
    page.locator("#table-indicators tr", has_text="Placés").first.locator("td a").click()
    expect(page.locator("#people tbody tr").first).to_be_visible()
    assert "Nom" not in page.locator("#people thead").inner_text()
    body = page.content()
    assert not [name for name in seeded if name in body]
    screenshot(page, "issue10-04-auditor-people")


def _pdf_pages_as_png(pdf: Path, name: str) -> list[Path]:
    """Render each page of a PDF to PNG under var/screenshots/ and return the paths."""
    import pypdfium2

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    paths = []
    document = pypdfium2.PdfDocument(str(pdf))
    for number in range(len(document)):
        path = SCREENSHOTS / f"{name}-p{number + 1}.png"
        document[number].render(scale=1.5).to_pil().save(path)
        paths.append(path)
    document.close()
    return paths
