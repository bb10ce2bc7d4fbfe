"""The load test's CPU accounting: each part's CPU seconds from /proc, children replaced meanwhile included."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from web.load_cpu import (
    CpuSampler,
    CpuUse,
    ProcessTimes,
    clock_tick,
    cpu_figures,
    is_local_postgres,
    machine_busy_seconds,
    parse_stat,
    postgres_processes,
    rises,
    tree_of,
)
from web.load_test import wait_unreaped

linux = pytest.mark.skipif(not Path("/proc/stat").is_file() or not hasattr(os, "waitid"), reason="needs Linux's /proc")

#: A child that burns CPU itself, then in two grandchildren one after the other (the second replacing the first,
#: as uvicorn replaces a worker), waiting for each.
BURNER = """
import subprocess, sys
burn = "sum(i * i for i in range(1_500_000))"
exec(burn)
for _ in range(2):
    subprocess.run([sys.executable, "-c", burn], check=True)
"""


def stat_line(pid: int, name: str, parent: int, utime: int, stime: int, cutime: int, cstime: int) -> str:
    """Return a /proc/<pid>/stat line with the given fields (the others zero)."""
    fields = ["S", str(parent), *["0"] * 9, str(utime), str(stime), str(cutime), str(cstime), *["0"] * 37]
    return f"{pid} ({name}) " + " ".join(fields)


def times(pid: int, parent: int, name: str = "python3", own: float = 0.0, reaped: float = 0.0) -> ProcessTimes:
    """Return one process's times."""
    return ProcessTimes(pid=pid, parent=parent, name=name, own=own, reaped=reaped)


def test_a_stat_line_gives_the_parent_the_name_and_the_cpu_seconds_even_when_the_name_holds_parentheses() -> None:
    tick = clock_tick()
    process = parse_stat(stat_line(42, "odd) (name", 7, utime=300, stime=100, cutime=50, cstime=25), tick)
    assert (process.pid, process.parent, process.name) == (42, 7, "odd) (name")
    assert process.own == pytest.approx(400 * tick)
    assert process.reaped == pytest.approx(75 * tick)


def test_a_tree_is_a_process_and_its_descendants_only() -> None:
    processes = {p.pid: p for p in [times(1, 0), times(10, 1), times(11, 10), times(12, 10), times(13, 12), times(20, 1)]}
    assert tree_of(10)(processes) == {10, 11, 12, 13}
    assert tree_of(13)(processes) == {13}
    assert tree_of(99)(processes) == set()


def test_the_postgres_part_is_every_process_named_postgres() -> None:
    processes = {p.pid: p for p in [times(1, 0, "postgres"), times(2, 1, "postgres"), times(3, 0, "python3")]}
    assert postgres_processes(processes) == {1, 2}


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("postgresql+psycopg://postgres@127.0.0.1:5432/load", True),
        ("postgresql://postgres@localhost/load", True),
        ("postgresql+psycopg:///load?host=/var/run/postgresql", True),
        ("postgresql+psycopg://postgres@db.example.org:5432/load", False),
        ("sqlite:////tmp/load.db", False),
    ],
)
def test_only_a_postgresql_of_this_machine_is_sampled(url: str, local: bool) -> None:
    assert is_local_postgres(url) is local


def test_a_part_spends_the_sum_of_its_rises_a_drop_being_a_process_gone() -> None:
    assert rises([1.0, 2.5, 2.5, 1.0, 1.5]) == pytest.approx(2.0)
    assert rises([3.0]) == 0.0


def test_the_machine_is_busy_in_every_state_but_idle_and_iowait(tmp_path: Path) -> None:
    (tmp_path / "stat").write_text("cpu  100 5 50 1000 20 1 2 3 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n", encoding="utf-8")
    assert machine_busy_seconds(tmp_path) == pytest.approx(161 * clock_tick())
    assert machine_busy_seconds(tmp_path / "missing") is None


def test_the_sampler_reads_the_parts_from_a_proc_folder(tmp_path: Path) -> None:
    def write(utime: int, cutime: int, postgres: int, machine: int) -> None:
        for pid, line in {10: stat_line(10, "python3", 1, utime, 0, cutime, 0),
                          20: stat_line(20, "postgres", 1, postgres, 0, 0, 0)}.items():  # fmt: skip
            (tmp_path / str(pid)).mkdir(exist_ok=True)
            (tmp_path / str(pid) / "stat").write_text(line, encoding="utf-8")
        (tmp_path / "stat").write_text(f"cpu  {machine} 0 0 0 0 0 0 0 0 0\n", encoding="utf-8")

    write(utime=100, cutime=0, postgres=10, machine=1000)
    sampler = CpuSampler({"server": tree_of(10), "postgres": postgres_processes}, every=3600.0, proc=tmp_path)
    sampler.start()
    write(utime=150, cutime=80, postgres=30, machine=1500)  # a child of the server ended after 80 ticks: reaped
    use = sampler.stop()
    assert use is not None
    tick = clock_tick()
    assert use.parts == {"server": pytest.approx(130 * tick), "postgres": pytest.approx(20 * tick)}
    assert use.machine == pytest.approx(500 * tick)


def test_without_proc_nothing_is_sampled_and_the_figures_say_none(tmp_path: Path) -> None:
    sampler = CpuSampler({"server": tree_of(os.getpid())}, proc=tmp_path)
    sampler.start()
    assert sampler.stop() is None
    figures = cpu_figures(None, ["server", "postgres"])
    assert figures == {"cpu_server_s": None, "cpu_postgres_s": None, "cpu_machine_s": None, "cpu_elsewhere_s": None,
                       "cpu_sampled_s": None}  # fmt: skip


def test_the_cpu_figures_give_each_part_the_machine_and_the_rest() -> None:
    use = CpuUse(seconds=20.04, parts={"server": 4.62, "locust": 0.71}, machine=13.33)
    assert cpu_figures(use, ["server", "locust", "postgres"]) == {
        "cpu_server_s": 4.6, "cpu_locust_s": 0.7, "cpu_postgres_s": None, "cpu_machine_s": 13.3, "cpu_elsewhere_s": 8.0,
        "cpu_sampled_s": 20.0,
    }  # fmt: skip


@linux
def test_a_child_and_its_replaced_grandchildren_count_all_the_cpu_the_system_gives_them() -> None:
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    child = subprocess.Popen([sys.executable, "-c", BURNER])
    try:
        sampler = CpuSampler({"child": tree_of(child.pid), "idle": tree_of(idle.pid)}, every=0.05)
        sampler.start()
        wait_unreaped(child, 120)
        use = sampler.stop()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert child.wait() == 0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        idle.kill()
        idle.wait()
    spent = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)  # the child and its grandchildren
    assert use is not None
    assert spent > 0.05
    assert use.parts["child"] == pytest.approx(spent, abs=6 * clock_tick())
    assert use.parts["idle"] < 0.05
    assert use.machine is not None and use.machine >= use.parts["child"] - 6 * clock_tick()


@linux
def test_an_ended_child_is_left_unreaped_for_a_last_sample_then_reaped() -> None:
    child = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    wait_unreaped(child, 60)
    assert Path(f"/proc/{child.pid}/stat").read_text(encoding="utf-8").rpartition(")")[2].split()[0] == "Z"
    assert child.returncode is None
    assert child.wait() == 3


@linux
def test_a_child_that_outlives_its_time_is_killed() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    wait_unreaped(child, 0.3)
    assert child.wait() == -9
