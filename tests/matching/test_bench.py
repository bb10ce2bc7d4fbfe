"""`rdvm bench`'s end-to-end measure runs `rdvm rank` as a user does; its figures are printed, never asserted."""

from __future__ import annotations

import shutil
from pathlib import Path

from matching.bench import end_to_end, learn_end_to_end

DATA = Path(__file__).parent.parent / "data"


def test_end_to_end_runs_rank_as_a_process_and_reports_its_figures(tmp_path: Path) -> None:
    for name in ("trainees.json", "vacancies.json"):
        shutil.copy(DATA / name, tmp_path / name)
    figures = end_to_end(str(tmp_path))
    assert set(figures) == {"seconds", "output_mb", "peak_rss_mb"}
    assert figures["peak_rss_mb"] > 0 and figures["output_mb"] >= 0
    assert not (tmp_path / "ranking.json").exists()  # the document is removed once measured


def test_learn_end_to_end_runs_rdvm_learn_on_synthetic_outcomes() -> None:
    figures = learn_end_to_end(3, (400, 200, 30))
    assert figures["learn_outcomes"] == 400 and isinstance(figures["learn_command_seconds"], float)
    assert figures["learn_adopted"] is True  # the outcomes follow a rule the current weights rank worse
    assert figures["learn_learned_auc"] >= figures["learn_baseline_auc"] + 0.02
