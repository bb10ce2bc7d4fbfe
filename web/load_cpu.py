"""Where the load test's CPU goes: the CPU time of its processes, by part, sampled every second from Linux's /proc.

A part (the server, the ranking worker, locust, PostgreSQL) is a set of processes chosen afresh at each sample. Its
CPU at an instant is the sum, over its living processes, of their own time (utime + stime) and of the time of the
children they have already waited for (cutime + cstime): a uvicorn worker killed and replaced keeps counting through
the supervisor that reaps it, and a process started meanwhile counts from its birth. A part's CPU over the run is the
sum of its rises from one sample to the next, so a process leaving the part otherwise (reaped by a process outside it)
loses at most its last second instead of cancelling what it did. Elsewhere than Linux nothing is sampled (None).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

PROC = Path("/proc")
#: Hosts that name this machine in a database URL (none: a Unix socket).
LOCAL_HOSTS = {None, "", "localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class ProcessTimes:
    """One process as /proc shows it: its parent, its name (comm) and its CPU seconds, own and of reaped children."""

    pid: int
    parent: int
    name: str
    own: float
    reaped: float


#: Chooses a part's processes among the machine's.
Selector = Callable[[dict[int, ProcessTimes]], set[int]]


def clock_tick() -> float:
    """Return the seconds of one clock tick, the unit of /proc's CPU times."""
    return 1.0 / os.sysconf("SC_CLK_TCK")


def parse_stat(line: str, tick: float) -> ProcessTimes:
    """Return a process's times from its /proc/<pid>/stat line (its name may hold spaces and parentheses)."""
    head, _, tail = line.rpartition(")")
    pid, _, name = head.partition(" (")
    fields = tail.split()  # fields[0] is field 3 of proc(5): the state
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return ProcessTimes(pid=int(pid), parent=int(fields[1]), name=name, own=(utime + stime) * tick,
                        reaped=(cutime + cstime) * tick)  # fmt: skip


def read_processes(proc: Path = PROC) -> dict[int, ProcessTimes]:
    """Return every process of the machine with its times (those ending while read are left out)."""
    tick, processes = clock_tick(), {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                line = (entry / "stat").read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            process = parse_stat(line, tick)
            processes[process.pid] = process
    return processes


def machine_busy_seconds(proc: Path = PROC) -> float | None:
    """Return the CPU seconds all cores have spent busy since boot (every state but idle and iowait), or None."""
    try:
        first = (proc / "stat").read_text(encoding="utf-8").splitlines()[0].split()
    except (OSError, IndexError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in first[1:9])
    return (user + nice + system + irq + softirq + steal) * clock_tick()


def tree_of(root: int) -> Selector:
    """Return a selector of a process and all its descendants (a server's supervisor and its workers)."""

    def select(processes: dict[int, ProcessTimes]) -> set[int]:
        children: dict[int, list[int]] = {}
        for process in processes.values():
            children.setdefault(process.parent, []).append(process.pid)
        found, pending = set(), [root] if root in processes else []
        while pending:
            pid = pending.pop()
            found.add(pid)
            pending.extend(children.get(pid, []))
        return found

    return select


def postgres_processes(processes: dict[int, ProcessTimes]) -> set[int]:
    """Select PostgreSQL's processes: the postmaster, its background processes and the sessions of every database."""
    return {pid for pid, process in processes.items() if process.name == "postgres"}


def is_local_postgres(url: str) -> bool:
    """Tell whether a database URL names PostgreSQL on this machine (whose processes can then be sampled)."""
    parsed = make_url(url)
    return parsed.get_backend_name() == "postgresql" and (parsed.host in LOCAL_HOSTS or str(parsed.host).startswith("/"))


def part_seconds(processes: dict[int, ProcessTimes], members: set[int]) -> float:
    """Return a part's CPU seconds at one instant: its processes' own time and that of the children they reaped."""
    return sum(processes[pid].own + processes[pid].reaped for pid in members)


def rises(values: list[float]) -> float:
    """Return the sum of the rises of a series (what a part spent; a drop is a process gone, not time given back)."""
    return sum(max(after - before, 0.0) for before, after in zip(values, values[1:], strict=False))


@dataclass(frozen=True)
class CpuUse:
    """The CPU seconds each part spent while sampled, and the machine's (every process, others' included)."""

    seconds: float
    parts: dict[str, float]
    machine: float | None


class CpuSampler:
    """Samples the CPU time of named parts every `every` seconds in a thread, between `start` and `stop`."""

    def __init__(self, parts: dict[str, Selector], *, every: float = 1.0, proc: Path = PROC) -> None:
        self.parts, self.every, self.proc = parts, every, proc
        self.series: dict[str, list[float]] = {name: [] for name in parts}
        self.machine: list[float] = []
        self.times: list[float] = []
        self.halt, self.started = threading.Event(), False
        self.thread = threading.Thread(target=self._run, daemon=True, name="cpu-sampler")

    @property
    def available(self) -> bool:
        """Tell whether this machine shows its processes' CPU time (Linux's /proc)."""
        return (self.proc / "stat").is_file()

    def sample(self) -> None:
        """Add one sample of every part and of the machine."""
        processes = read_processes(self.proc)
        for name, select in self.parts.items():
            self.series[name].append(part_seconds(processes, select(processes)))
        busy = machine_busy_seconds(self.proc)
        if busy is not None:
            self.machine.append(busy)
        self.times.append(time.monotonic())

    def _run(self) -> None:
        while not self.halt.wait(self.every):
            self.sample()

    def start(self) -> None:
        """Take the first sample now, then one every `every` seconds in the background."""
        if self.available:
            self.sample()
            self.thread.start()
            self.started = True

    def stop(self) -> CpuUse | None:
        """Stop sampling after a last sample; return what each part spent (None where /proc is missing)."""
        if not self.started:
            return None
        self.halt.set()
        self.thread.join()
        self.sample()
        return CpuUse(seconds=self.times[-1] - self.times[0], parts={name: rises(values) for name, values in self.series.items()},
                      machine=rises(self.machine) if len(self.machine) == len(self.times) else None)  # fmt: skip


def cpu_figures(use: CpuUse | None, names: list[str]) -> dict[str, float | None]:
    """Return the CPU figures of the run: seconds per part (None if not sampled), the machine's, and the rest's."""
    parts = use.parts if use else {}
    out: dict[str, float | None] = {f"cpu_{name}_s": round(parts[name], 1) if name in parts else None for name in names}
    machine = use.machine if use else None
    out["cpu_machine_s"] = round(machine, 1) if machine is not None else None
    out["cpu_elsewhere_s"] = round(max(machine - sum(parts.values()), 0.0), 1) if machine is not None else None
    out["cpu_sampled_s"] = round(use.seconds, 1) if use else None
    return out
