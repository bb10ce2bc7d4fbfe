"""The evaluation pages on the demo: figures, charts, exports opened back, and the auditor who sees no personal data."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import Session, col, select

from core import audit
from core.clock import utcnow
from employers import history_store
from profiles.evaluation import Scope, evaluate_scope
from profiles.models import TraineeProfile
from tests.web.conftest import Client
from web import demo
from web.evaluation_view import Table, safe_cell, to_csv

PAGES = ["/evaluation", "/evaluation/funders", "/evaluation/export.xlsx", "/evaluation/charts/funnel.svg",
         "/evaluation/charts/retention.svg", "/evaluation/charts/employment.svg", "/evaluation/report.pdf"]  # fmt: skip


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


def test_the_auditor_sees_no_name_or_phone(seeded: demo.DemoResult, session: Session, new_client: object) -> None:
    history = history_store.stored_history(session=session)
    profiles = session.exec(select(TraineeProfile)).all()
    secrets = [p.full_name for p in profiles] + [p.phone for p in profiles if p.phone]
    secrets += [p.birth_date.isoformat() for p in profiles if p.birth_date]
    client = signed_in(new_client, staff("auditor"))
    figures = ["trainees", "placed", "employed_at_12m", "remigrated", "placed@cohort:" + history.trainees[0].training.cohort]  # type: ignore[union-attr]
    urls = PAGES + [f"/evaluation/people?figure={f}" for f in figures] + ["/officer/audit", "/officer/audit?page=2"]
    urls += [f"/evaluation/export/{t}.csv" for t in ("indicators", "funnel", "retention", "employment_by_employer", "costs")]
    for url in urls:
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
    assert history.trainees[0].id in client.get("/evaluation/people?figure=trainees").text  # the code is shown


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
