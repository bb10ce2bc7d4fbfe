"""kill -9 of the server amid acknowledged writes loses none of them (a small run of `rdvm bench --crash`), on both databases."""

from __future__ import annotations

import json
import os

from tests.web.test_commands_as_shipped import run


def test_no_acknowledged_write_is_lost_to_kill_9(fresh_url: str) -> None:
    env = {**os.environ, "RDVM_SECRET_KEY": "test-only-key"}
    done = run(env, "bench", "--crash", "2", "--database-url", fresh_url, "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.splitlines()[-1])
    assert figures["kills"] == 2 and figures["acknowledged"] > 0, figures
    assert figures["lost"] == 0 and figures["queued_for_ranking"] == figures["acknowledged"], figures
