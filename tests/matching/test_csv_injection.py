"""CSV formula injection (security review, finding 2): every cell a spreadsheet would run is written as text, and an
export re-imports unchanged; written files are readable by their owner only."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pytest

from matching import exchange
from tests.factories import trainee, vacancy

DANGEROUS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "'=already quoted",
             "''+two quotes", "'plain quote", "a=b"]  # fmt: skip


@pytest.mark.parametrize("text", ["+22376123456", "+223 76 12 34 56", "-5", "-1.5", "+", "'+22376123456"])
def test_a_plain_number_is_written_as_it_is(text: str) -> None:
    assert exchange.neutralise(text) == text and exchange.unneutralise(text) == text


@pytest.mark.parametrize("text", DANGEROUS)
def test_neutralise_is_undone_by_unneutralise(text: str) -> None:
    written = exchange.neutralise(text)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert exchange.unneutralise(written) == text


def test_no_cell_of_an_export_starts_a_formula_and_it_reimports_unchanged(tmp_path: Path) -> None:
    records = [vacancy(id=f"V-{i}", title=title, employer=DANGEROUS[0]) for i, title in enumerate(DANGEROUS[1:5])]
    text = exchange.to_csv_text(records, "vacancies")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    path = tmp_path / "vacancies.csv"
    exchange.write(path, records, "vacancies")
    loaded = exchange.load(path, "vacancies")
    assert loaded.ok, loaded.issues
    assert [(v.title, v.employer) for v in loaded.records] == [(v.title, v.employer) for v in records]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_trainee_summary_and_phone_round_trip(tmp_path: Path) -> None:
    record = trainee(summary="=1+1 then @me", phone="+22376123456")
    path = tmp_path / "trainees.csv"
    exchange.write(path, [record], "trainees")
    assert "'=1+1" in path.read_text("utf-8")
    assert ",+22376123456," in path.read_text("utf-8")  # a number is no formula: other tools read the phone as written
    loaded = exchange.load(path, "trainees")
    assert loaded.ok and loaded.records[0].summary == record.summary and loaded.records[0].phone == record.phone
