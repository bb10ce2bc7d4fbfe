"""The evaluation pages on the demo: figures, charts, exports opened back, and the auditor who sees no personal data."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import Session, col, select

from core import audit
from core.clock import utcnow
from employers import history_store
from profiles.evaluation import Scope, evaluate_scope
from profiles.models import TraineeProfile
from tests.web.conftest import Client
from tests.web.test_access_matrix import EXPECTED, application_routes
from web import demo
from web.evaluation_view import CHARTS, Table, safe_cell, tables, to_csv
from web.i18n import translator


@pytest.fixture
def seeded(session: Session, tmp_path: Path) -> demo.DemoResult:
    result = demo.seed(session=session, folder=tmp_path)
    session.commit()
    return result


def signed_in(new_client: object, sign_in: demo.SignIn) -> Client:
    client = new_client()  # type: ignore[operator]
    client.sign_in(sign_in.login, sign_in.secret)
    return client


def staff(role: str) -> demo.SignIn:
    return next(s for s in demo.STAFF if s.role.value == role)


def test_page_shows_the_database_figures(seeded: demo.DemoResult, session: Session, new_client: object) -> None:
    expected = evaluate_scope(history_store.stored_history(session=session), Scope(as_of=utcnow().date()))
    page = signed_in(new_client, staff("officer")).get("/evaluation")
    assert page.status_code == 200
    overall = expected.figures["overall"]
    assert "figure=placed&amp;" in page.text and f">{overall['placed']}</a>" in page.text
    for cohort_row in expected.funnel:
        assert f"<td>{cohort_row['scope']}</td><td>{cohort_row['trainees']}</td>" in page.text
    assert "Maintien dans le premier emploi" in page.text and "/evaluation/charts/retention.svg" in page.text
    english = signed_in(new_client, staff("officer")).get("/evaluation?lang=en")
    assert "Programme evaluation" in english.text


def test_charts_are_svg_without_script(seeded: demo.DemoResult, new_client: object) -> None:
    client = signed_in(new_client, staff("officer"))
    for name in ("funnel", "retention", "employment"):
        svg = client.get(f"/evaluation/charts/{name}.svg")
        assert svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text and "<script" not in svg.text
    assert client.get("/evaluation/charts/nothing.svg").status_code == 404


def test_exports_hold_the_page_numbers(seeded: demo.DemoResult, session: Session, new_client: object) -> None:
    expected = evaluate_scope(history_store.stored_history(session=session), Scope(as_of=utcnow().date()))
    client = signed_in(new_client, staff("officer"))
    rows = list(csv.reader(io.StringIO(client.get("/evaluation/export/funnel.csv").text)))
    overall = expected.funnel[-1]
    assert rows[-1][:4] == ["overall", str(overall["trainees"]), str(overall["completed_training"]), str(overall["placed"])]
    book = load_workbook(io.BytesIO(client.get("/evaluation/export.xlsx").content))
    assert {"indicators", "funnel", "retention", "employment_by_cohort", "costs"} <= set(book.sheetnames)
    funnel = list(book["funnel"].iter_rows(values_only=True))
    assert funnel[-1][:4] == ("overall", overall["trainees"], overall["completed_training"], overall["placed"])  # numbers
    assert client.get("/evaluation/export/nothing.csv").status_code == 404


def test_cells_that_look_like_formulas_are_neutralised() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+3", "-2", "@x", "\tx", "ok", 5)] == ["'=1+1", "'+3", "'-2", "'@x", "'\tx", "ok", 5]
    assert to_csv(Table("t", "T", ["=a"], [["=HYPERLINK()", None, 2]])) == "'=a\r\n'=HYPERLINK(),,2\r\n"


def test_people_behind_a_figure(seeded: demo.DemoResult, session: Session, new_client: object) -> None:
    expected = evaluate_scope(history_store.stored_history(session=session), Scope(as_of=utcnow().date()))
    placed = [expected.codes[r] for r in expected.people["placed"]]
    names = {p.code: p.full_name for p in session.exec(select(TraineeProfile))}
    page = signed_in(new_client, staff("officer")).get("/evaluation/people?figure=placed")
    assert placed and all(code in page.text and names[code] in page.text for code in placed)


def auditor_urls(seeded: demo.DemoResult, session: Session, app: FastAPI) -> list[str]:
    """Return every page and export an auditor may reach (the access matrix's GET routes open to the auditor), each
    chart, table and figure's people list filled in."""
    ev = evaluate_scope(history_store.stored_columns(session=session).columns, Scope(as_of=utcnow().date()))
    fill = {"{name}": list(CHARTS), "{table}": [t.id for t in tables(ev, translator("fr"))]}
    urls = []
    for method, path in application_routes(app):
        if method != "GET" or EXPECTED[(method, path)]["auditor"] != "ok":
            continue
        holes = [hole for hole in fill if hole in path]
        if "{" in path and not holes:  # a public link's page (a reset or invitation token, a short link): no data
            continue
        urls += [path.replace(holes[0], v) for v in fill[holes[0]]] if holes else [path]
    urls += [f"/evaluation/people?figure={figure}" for figure in ev.people]
    return urls + ["/officer/audit?page=2", "/officer/views?trainee=" + ev.codes[0], "/fairness?by=age_band"]


def test_no_page_or_export_an_auditor_reaches_shows_a_name_or_phone(
    seeded: demo.DemoResult, session: Session, new_client: object, app: FastAPI
) -> None:
    profiles = session.exec(select(TraineeProfile)).all()
    secrets = [p.full_name for p in profiles] + [p.phone for p in profiles if p.phone]
    secrets += [p.birth_date.isoformat() for p in profiles if p.birth_date]
    officer = signed_in(new_client, staff("officer"))
    assert officer.get(f"/officer/trainees/{profiles[0].id}").status_code == 200  # a view the log then shows
    client = signed_in(new_client, staff("auditor"))
    for url in auditor_urls(seeded, session, app):
        response = client.get(url)
        assert response.status_code == 200, url
        body = (
            _workbook_text(response.content)
            if url.endswith(".xlsx")
            else _pdf_text(response.content)
            if url.endswith(".pdf")
            else response.text
        )
        leaked = [s for s in secrets if s in body]
        assert not leaked, f"{url} shows {leaked[:3]}"
    assert profiles[0].code in client.get("/evaluation/people?figure=trainees").text  # the code is shown
    log = client.get("/officer/views").text
    assert profiles[0].code in log and "Fiche de l&#39;agent" in log


def test_the_auditors_menu_lists_only_what_an_auditor_reaches(seeded: demo.DemoResult, new_client: object, app: FastAPI) -> None:
    client = signed_in(new_client, staff("auditor"))
    for page in ("/evaluation", "/fairness", "/officer/audit", "/officer/views", "/evaluation/funders"):
        nav = client.get(page).text.split("<nav", 1)[1].split("</nav>", 1)[0]
        links = re.findall(r'href="([^"?]+)', nav)
        assert {"/evaluation", "/fairness", "/officer/audit", "/officer/views", "/evaluation/export.xlsx"} <= set(links), page
        reached = {link: client.get(link, follow_redirects=False).status_code for link in links}
        assert all(status == 200 for status in reached.values()), (page, reached)


def test_the_audit_page_verifies_the_chain(seeded: demo.DemoResult, new_client: object) -> None:
    page = signed_in(new_client, staff("auditor")).get("/officer/audit").text
    assert 'id="chain"' in page and "Chaîne vérifiée" in page


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _workbook_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)


def test_the_auditor_cannot_change_anything(seeded: demo.DemoResult, new_client: object) -> None:
    client = signed_in(new_client, staff("auditor"))
    assert client.get("/officer/trainees").status_code == 403
    assert client.get("/officer").status_code == 403


def test_pdf_report_holds_the_page_numbers(seeded: demo.DemoResult, session: Session, new_client: object) -> None:
    expected = evaluate_scope(history_store.stored_history(session=session), Scope(as_of=utcnow().date()))
    response = signed_in(new_client, staff("officer")).get("/evaluation/report.pdf")
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    cover, text = reader.pages[0].extract_text(), "\n".join(page.extract_text() for page in reader.pages)
    assert utcnow().date().isoformat() in cover and "Évaluation du programme" in cover
    overall = expected.funnel[-1]
    assert f"overall {overall['trainees']} {overall['completed_training']} {overall['placed']}" in text
    assert "Annexe : définitions des indicateurs" in text and "Kaplan–Meier" in text


def test_the_auditor_cannot_find_a_trainee_by_name_in_the_audit_trail(
    seeded: demo.DemoResult, session: Session, new_client: object
) -> None:
    profile = session.exec(select(TraineeProfile).order_by(TraineeProfile.code)).first()
    assert profile is not None
    surname = profile.full_name.split()[-1]
    officer, auditor = signed_in(new_client, staff("officer")), signed_in(new_client, staff("auditor"))
    assert profile.code in officer.get("/officer/audit", params={"trainee": surname}).text
    assert profile.code not in auditor.get("/officer/audit", params={"trainee": surname}).text
    assert profile.code in auditor.get("/officer/audit", params={"trainee": profile.code}).text


def test_a_change_to_the_history_shows_on_the_next_page(seeded: demo.DemoResult, session: Session, new_client: object) -> None:
    """The application keeps the evaluation it computed while the history does not change, and only that long."""
    client = signed_in(new_client, staff("officer"))
    funnel = "/evaluation/export/funnel.csv"
    before = list(csv.reader(io.StringIO(client.get(funnel).text)))[-1]
    assert list(csv.reader(io.StringIO(client.get(funnel).text)))[-1] == before  # the same, from the cache
    trainee = session.exec(select(TraineeProfile).where(col(TraineeProfile.dropped_out_on).is_(None))).first()
    assert trainee is not None
    trainee.dropped_out_on, trainee.dropout_reason = utcnow().date(), "health"  # an edit: no row added or removed
    session.add(trainee)
    audit.record(session, actor_id=None, entity="trainee", entity_id=trainee.id, action="leave", trainee_id=trainee.id)
    session.commit()
    after = list(csv.reader(io.StringIO(client.get(funnel).text)))[-1]
    assert int(after[-2]) == int(before[-2]) + 1  # dropped out
