"""Measuring a command from outside: wall time, peak memory of its whole process tree, and
how many articles its database holds as it runs (sampled, so the run's pace shows)."""

from __future__ import annotations

import math
import os
import resource
import sqlite3
import subprocess
import threading
import time
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


def count_articles(db: Path) -> int | None:
    """Articles stored so far (committed), or None while the database has no table yet."""
    if not db.exists():
        return None
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05) as connection:
            return connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return None


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


def run(command: list[str], db: Path | None = None) -> Run:
    """Run ``command`` to its end, sampling its process tree's memory and ``db``'s articles."""
    started, cpu_before = time.perf_counter(), _children_cpu()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    samples: list[tuple[float, int]] = []
    memory: list[tuple[float, float]] = []

    def sample() -> None:
        while child.poll() is None:
            memory.append((time.perf_counter() - started, tree_memory_mib(child.pid)))
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
    return Run(elapsed, _children_cpu() - cpu_before, peak, output, samples, memory)
