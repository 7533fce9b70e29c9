"""Measuring a command from outside: wall time, peak memory of its whole process tree, and
how many articles its database (an SQLite file or a PostgreSQL URL) holds as it runs
(sampled, so the run's pace shows); on PostgreSQL, the CPU of the server's processes too."""

from __future__ import annotations

import math
import os
import resource
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.2


def _memory_kib(pid: int) -> int:
    """Proportional set size of one process (shared pages split between their users)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:  # gone, or no smaps_rollup: count nothing rather than guess
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(c) for c in children.read().split()]
    except OSError:
        pass
    return found


def tree_memory_mib(pid: int) -> float:
    """Memory of ``pid`` and all its descendants now (sum of proportional set sizes)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += _memory_kib(current)
        stack += _children(current)
    return total / 1024


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds spent so far by ``pid`` and its descendants (those it reaped included)."""
    ticks, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # gone: its time is its parent's once reaped
            continue
        ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        stack += _children(current)
    return ticks / os.sysconf("SC_CLK_TCK")


Database = Path | str  # an SQLite file, or a server's SQLAlchemy URL


def is_server(db: Database) -> bool:
    return "://" in str(db)


def query_one(db: Database, sql: str) -> int | None:
    """The first value ``sql`` gives (committed data), or None while the table is missing."""
    if is_server(db):
        import psycopg

        try:
            with psycopg.connect(libpq_url(str(db)), autocommit=True) as connection:
                return connection.execute(sql).fetchone()[0]
        except psycopg.Error:
            return None
    if not Path(db).exists():
        return None
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05) as connection:
            return connection.execute(sql).fetchone()[0]
    except sqlite3.Error:
        return None


def libpq_url(url: str) -> str:
    """An SQLAlchemy PostgreSQL URL as libpq reads it (no driver name)."""
    return "postgresql://" + url.split("://", 1)[1]


def count_articles(db: Database) -> int | None:
    """Articles stored so far (committed), or None while the database has no table yet."""
    return query_one(db, "SELECT count(*) FROM articles")


def _postgres_ticks() -> int:
    """CPU clock ticks of the PostgreSQL server's processes, those it reaped included (the
    postmaster's children's time): a run's difference is what the server spent on it (and
    on anything else it served meanwhile)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name, fields = text[text.index("(") + 1 : text.rindex(")")], text.rsplit(")", 1)[1].split()
        if name.startswith("postgres") or name.startswith("postmaster"):
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total


def server_cpu_seconds() -> Callable[[], float]:
    """Start counting the server's CPU; the function returned gives the seconds since."""
    before = _postgres_ticks()
    return lambda: (_postgres_ticks() - before) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # of the whole process tree: what a busy machine does not inflate
    peak_mib: float
    output: str
    progress: list[tuple[float, int]] = field(default_factory=list)
    memory: list[tuple[float, float]] = field(default_factory=list)
    server_cpu_seconds: float | None = None  # a PostgreSQL server's, during the run
    cpu: list[tuple[float, float]] = field(default_factory=list)  # (seconds, tree CPU)

    def cpu_at(self, seconds: float) -> float:
        """CPU seconds of the process tree sampled at or just after ``seconds`` (past the
        last sample: the whole run's)."""
        return next((spent for t, spent in self.cpu if t >= seconds), self.cpu_seconds)

    def peak_after(self, seconds: float) -> float:
        """Peak memory (MiB) sampled from ``seconds`` after the start to the end."""
        return max((mib for t, mib in self.memory if t >= seconds), default=0.0)

    def reached(self, count: int) -> float | None:
        """Seconds from the start until the database held ``count`` articles."""
        return next((t for t, n in self.progress if n >= count), None)

    def tenths(self, total: int) -> list[float]:
        """Articles per second in each tenth of the articles (from the command's start)."""
        rates, previous_time, previous_count = [], 0.0, 0
        for tenth in range(1, 11):
            target = math.ceil(total * tenth / 10)
            at = self.reached(target)
            if at is None:
                break
            rates.append((target - previous_count) / max(at - previous_time, SAMPLE_SECONDS))
            previous_time, previous_count = at, target
        return rates


def run(command: list[str], db: Database | None = None, server: bool = False) -> Run:
    """Run ``command`` to its end, sampling its process tree's memory and ``db``'s articles;
    ``server``: count the CPU of the local PostgreSQL server's processes too."""
    server_cpu = server_cpu_seconds() if server else None
    started, cpu_before = time.perf_counter(), _children_cpu()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    samples: list[tuple[float, int]] = []
    memory: list[tuple[float, float]] = []
    cpu: list[tuple[float, float]] = []

    def sample() -> None:
        while child.poll() is None:
            memory.append((time.perf_counter() - started, tree_memory_mib(child.pid)))
            cpu.append((time.perf_counter() - started, tree_cpu_seconds(child.pid)))
            if db is not None and (count := count_articles(db)) is not None:
                samples.append((time.perf_counter() - started, count))
            time.sleep(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = child.communicate()[0]
    elapsed = time.perf_counter() - started
    sampler.join()
    if child.returncode not in (0, 1):  # 1: some files failed, which the output says
        raise SystemExit(f"error: {' '.join(command)} exited {child.returncode}:\n{output}")
    if db is not None and (count := count_articles(db)) is not None:
        samples.append((elapsed, count))
    peak = max((mib for _, mib in memory), default=0.0)
    spent_cpu = _children_cpu() - cpu_before
    spent = server_cpu() if server_cpu else None
    return Run(elapsed, spent_cpu, peak, output, samples, memory, spent, cpu)
