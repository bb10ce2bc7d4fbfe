"""Country packs as shipped (issue 11, part 4): `rdvm demo --country SN`, `--country` and RDVM_COUNTRY on the
commands, run as the installed entry point in a fresh process on a fresh database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from matching.taxonomy import get_taxonomy
from tests.web.test_commands_as_shipped import fresh_sqlite, run

__all__ = ["fresh_sqlite"]  # the fixture, shared with the shipped commands' tests

DAKAR_VACANCY = {"id": "V-SN-1", "employer": "Téranga Sécurité", "title": "Agent de sécurité", "level": "guard",
                 "town": "Dakar", "salary_fcfa_month": 60_000,
                 "required_languages": [{"language": "wolof", "level": "conversational"}]}  # fmt: skip
TRAINEES = [
    {"id": "T-SN-1", "full_name": "Awa Ndiaye", "home_town": "Pikine", "phone": "77 123 45 67",
     "languages": [{"language": "wo", "level": "native"}]},
    {"id": "T-SN-2", "full_name": "Mamadou Ba", "home_town": "Rufisque", "phone": "00221 76 000 11 22",
     "languages": [{"language": "pulaar", "level": "native"}]},
    {"id": "T-SN-3", "full_name": "Jean Diatta", "home_town": "Ziguinchor", "languages": [{"language": "wo", "level": "native"}]},
]  # fmt: skip


def files(tmp_path: Path) -> tuple[Path, Path]:
    """Write three trainees of Senegal and one Dakar vacancy asking for Wolof, paid below Senegal's SMIG."""
    trainees, vacancies = tmp_path / "trainees.json", tmp_path / "vacancies.json"
    trainees.write_text(json.dumps(TRAINEES), "utf-8")
    vacancies.write_text(json.dumps([DAKAR_VACANCY]), "utf-8")
    return trainees, vacancies


def test_the_senegal_demo_seeds_senegalese_towns_phones_and_cohorts(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    seeded = run(fresh_sqlite, "demo", "--country", "SN", "--folder", tmp_path / "demo")
    assert seeded.returncode == 0, seeded.stderr
    assert "Téranga Sécurité SA" in seeded.stdout and seeded.stdout.count("+221") == 3  # the trainees' sign-ins
    assert "RDVM_COUNTRY=SN" in seeded.stderr  # how to serve it
    towns = {t.name for t in get_taxonomy("SN").towns}
    trainees = json.loads((tmp_path / "demo" / "trainees.json").read_text("utf-8"))["trainees"]
    with sqlite3.connect(fresh_sqlite["RDVM_DATABASE_URL"].removeprefix("sqlite:///")) as db:
        homes = [row[0] for row in db.execute("select home_town from trainee_profile")]
        cohorts = {row[0] for row in db.execute("select country from cohort")}
        below = db.execute("select count(*) from placement where salary_fcfa_month < 64223").fetchone()[0]
    assert len(homes) == len(trainees) == 30 and sum(h in towns for h in homes) >= 27  # a few written unknowably
    assert cohorts == {"SN"} and below == 1  # the demo's one hiring below the minimum wage, Senegal's


def test_validate_warns_in_senegal_s_currency_with_the_country_option(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    _, vacancies = files(tmp_path)
    senegal = run(fresh_sqlite, "validate", vacancies, "--country", "SN")
    assert senegal.returncode == 0, senegal.stderr
    assert "V-SN-1" in senegal.stderr and "below the minimum wage of Senegal (SMIG, 64 223 FCFA)" in senegal.stderr
    mali = run(fresh_sqlite, "validate", vacancies)  # Dakar is no town of Mali, and 60,000 is above its SMIG
    assert "unknown town" in mali.stderr.lower() or "Dakar" in mali.stderr
    assert "minimum wage" not in mali.stderr
    by_setting = run({**fresh_sqlite, "RDVM_COUNTRY": "SN"}, "validate", vacancies)
    assert "64 223 FCFA" in by_setting.stderr


def test_rank_with_the_country_option_reads_senegal(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    trainees, vacancies = files(tmp_path)
    done = run(fresh_sqlite, "rank", trainees, vacancies, "--country", "SN", "--lang", "en", "-q")
    assert done.returncode == 0, done.stderr
    [ranked] = json.loads(done.stdout)["vacancies"]
    assert [c["trainee_id"] for c in ranked["candidates"]] == ["T-SN-1"]  # Pikine, 8 km from Dakar, speaks Wolof
    assert ranked["ineligible_by_rule"] == {"languages": 1, "mobility": 1}
    assert [(n["trainee_id"], n["rule"], n["reasons"]) for n in ranked["near_misses"]] == [
        ("T-SN-2", "languages", ["missing required language Wolof (wo), conversational required"]),
        ("T-SN-3", "mobility", ["Dakar is outside the trainee's mobility (Ziguinchor and 30 km around)"]),
    ]


def test_an_unknown_country_is_refused(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    _, vacancies = files(tmp_path)
    done = run(fresh_sqlite, "validate", vacancies, "--country", "XX")
    assert done.returncode == 2 and "no country pack for 'XX'" in done.stderr and "ML, SN" in done.stderr
