"""`rdvm user create --role school --centre …` and the demo's cohorts and school account, run as a user runs them: the
installed entry point, in a child process, on a fresh database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from core.clock import utcnow
from profiles.models import Cohort, TraineeProfile, TrainingCentre
from web import demo
from web.auth import service as auth_service
from web.auth.models import Role, User
from web.db import make_engine

RDVM = Path(sys.executable).parent / "rdvm"
PASSWORD = "un mot de passe long"


def rdvm(url: str, *args: str | Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed `rdvm` on a database, without a terminal (a hidden prompt then reads standard input)."""
    env = {**os.environ, "RDVM_DATABASE_URL": url, "RDVM_SECRET_KEY": "test-secret-key-not-for-production"}
    return subprocess.run([str(RDVM), *map(str, args)], input=input, capture_output=True, text=True, encoding="utf-8", env=env,
                          check=False, start_new_session=True, timeout=600)  # fmt: skip


@pytest.fixture
def url(tmp_path: Path) -> str:
    """Return the URL of a fresh SQLite database, migrated by the command itself."""
    found = f"sqlite:///{tmp_path / 'rdvm.db'}"
    assert rdvm(found, "db", "upgrade").returncode == 0
    return found


def test_a_school_account_is_linked_to_its_centre_created_once(url: str) -> None:
    first = rdvm(url, "user", "create", "--role", "school", "--login", "ecole@centre.ml", "--name", "Formateurs",
                 "--centre", "Centre de Bamako", input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "created school account ecole@centre.ml" in first.stdout
    assert "created the training centre Centre de Bamako" in first.stderr
    second = rdvm(url, "user", "create", "--role", "school", "--login", "chef@centre.ml", "--name", "Chef",
                  "--centre", "centre de BAMAKO", input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert second.returncode == 0 and "created the training centre" not in second.stderr
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            [centre] = session.exec(select(TrainingCentre)).all()
            accounts = session.exec(select(User).order_by(col(User.id))).all()
            assert [(u.role, u.centre_id) for u in accounts] == [(Role.school, centre.id), (Role.school, centre.id)]
            assert auth_service.authenticate(session=session, login="ecole@centre.ml", secret=PASSWORD, client="t")
    finally:
        engine.dispose()


@pytest.mark.parametrize(("role", "extra"), [("school", ()), ("officer", ("--centre", "Centre de Bamako"))])
def test_a_centre_is_required_for_a_school_account_and_only_for_it(url: str, role: str, extra: tuple[str, ...]) -> None:
    done = rdvm(url, "user", "create", "--role", role, "--login", "x@centre.ml", "--name", "X", *extra,
                input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert done.returncode == 2 and "--centre" in done.stderr


def test_the_demo_seeds_the_cohorts_and_the_school_account(url: str, tmp_path: Path) -> None:
    done = rdvm(url, "demo", "--folder", tmp_path / "demo")
    assert done.returncode == 0, done.stderr
    assert "cohorts 2" in done.stdout and "ecole@demo.rdvm.ml" in done.stdout and "ecole-demo-2026" in done.stdout
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            found = {c.code: c for c in session.exec(select(Cohort))}
            named = {p.cohort for p in session.exec(select(TraineeProfile))}
            assert set(found) == named and all(c.training_start and c.centre_id for c in found.values())
            school = session.exec(select(User).where(User.login == "ecole@demo.rdvm.ml")).one()
            assert school.role == Role.school and {c.centre_id for c in found.values()} == {school.centre_id}
            current = demo.cohort_code(demo.cohort_starts(utcnow().date())["current"])
            in_training = session.exec(select(TraineeProfile).where(TraineeProfile.cohort == current)).all()
            assert in_training and all(p.overall_from_modules for p in in_training)  # module grades, no overall given
    finally:
        engine.dispose()
