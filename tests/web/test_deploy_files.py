"""The deployment files name commands that exist, and the same ones on both ways of running rdvm."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.test_commands_as_shipped import run

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def rdvm_commands() -> set[tuple[str, ...]]:
    """Return every `rdvm …` command line the deployment files run (the words before the first option)."""
    found = set()
    for path in DEPLOY.rglob("*"):
        if path.is_file():
            for match in re.finditer(r"""rdvm["',\s]+([a-z][a-z ",]*)""", path.read_text("utf-8")):
                words = tuple(w for w in re.split(r'[\s",]+', match.group(1)) if w)
                if words and words[0] in {"serve", "worker", "db", "backup", "jobs"}:
                    found.add(words[:2] if words[0] == "db" else words[:1])
    return found


def test_every_command_of_the_deployment_files_exists() -> None:
    commands = rdvm_commands()
    assert {("serve",), ("worker",), ("db", "upgrade"), ("backup",), ("jobs",)} <= commands
    for words in sorted(commands):
        done = run({}, *words, "--help")
        assert done.returncode == 0, (words, done.stderr)
    web, worker = (DEPLOY / "systemd" / f"rdvm-{name}.service" for name in ("web", "worker"))
    assert "--workers 4" in web.read_text() and "rdvm worker" in worker.read_text()
    assert "--workers ${RDVM_WEB_WORKERS:-4}" in (DEPLOY / "Dockerfile").read_text()
