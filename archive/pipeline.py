"""The pure stages of one file — read → parse → extract → resolve → plan (what to store, as
plain values: ``archive/plan.py``) — run in worker processes within a time budget, their
results handed back in the order the files were given (so one writer stores them in that
order and the same corpus gives the same ids, whatever the number of workers).

A file whose stages take longer than the budget (``ARCHIVE_FILE_TIME_BUDGET_S``, default
60 s) fails with the reason and never holds up the files after it: the worker interrupts
itself (SIGALRM), and a worker stuck where a signal cannot reach it (inside one C call) is
abandoned by the parent once its chunk of files is late for all their budgets: a fresh pool
prepares that chunk's files one by one (so only the stuck file fails) and the other
pending chunks again.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.pool
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.extract import extract_facts
from archive.parse import ParseError, parse_article
from archive.plan import ArticlePlan, plan_article
from archive.read import ReadError, SourceText, read_source
from archive.resolve import resolve_facts

TIME_BUDGET_VARIABLE = "ARCHIVE_FILE_TIME_BUDGET_S"
DEFAULT_TIME_BUDGET_S = 60.0
# Tasks handed to each worker ahead of the writer: enough for the workers to go on while the
# writer stores a batch (at 100,000 articles, with 3 they waited 11 % of the time for it).
IN_FLIGHT_PER_WORKER = 16
CHUNK_FILES = 8  # files a task prepares
CHUNK_JOBS = 256  # jobs gathered at most before they are handed on (unchanged files)
ALARM_REPEAT_SECONDS = 0.05
GRACE_SECONDS = 5.0  # how much longer than the budget the parent waits for a worker


def time_budget(given: float | None = None) -> float:
    """Seconds one file may take (0: no limit): ``given``, else ``ARCHIVE_FILE_TIME_BUDGET_S``."""
    if given is not None:
        return float(given)
    return float(os.environ.get(TIME_BUDGET_VARIABLE, DEFAULT_TIME_BUDGET_S))


def worker_count(given: int | None = None) -> int:
    """Worker processes to use: ``given``, else one per core (1: in this process)."""
    return max(1, given if given is not None else os.cpu_count() or 1)


def over_budget_reason(budget: float) -> str:
    return (
        f"extraction took longer than {budget:g} s; the file is skipped "
        f"(set {TIME_BUDGET_VARIABLE} to allow more)"
    )


class FileFailed(Exception):
    """One file failed for a reason other than its content being unreadable or unparsable."""


class OverBudget(Exception):
    """The file's stages ran past the time budget."""


@dataclass
class Prepared:
    """What the pure stages made of one file (what to store), or why they failed (``error``)."""

    plan: ArticlePlan | None = None
    error: str | None = None


def _stage(name: str, function: Callable, *args):
    """Run one pure stage; a bug met on one text must not stop a 10,000-file import."""
    try:
        return function(*args)
    except (ReadError, ParseError, OverBudget):
        raise
    except Exception as error:
        raise FileFailed(f"internal error in {name} ({type(error).__name__}: {error})") from error


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise OverBudget in this thread after ``seconds`` (only the main thread gets signals;
    elsewhere, and with 0, no limit). The alarm rings again every ``ALARM_REPEAT_SECONDS``
    until the block is left: Python ignores an exception raised where it cannot propagate
    (a weak reference's callback, a finaliser), and one ring could land there."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    limiting = [True]

    def expire(_signum, _frame):
        if limiting[0]:
            raise OverBudget

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, ALARM_REPEAT_SECONDS)
    try:
        yield
    finally:
        limiting[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_stages(path: str | Path) -> Prepared:
    """Read, parse, extract, resolve and plan one file; raise ReadError or ParseError if it is not
    a usable article, FileFailed if a stage fails on it unexpectedly."""
    source = _stage("reading", read_source, path)
    parsed = _stage("parsing", parse_article, source)
    facts = _stage("extraction", extract_facts, parsed)
    resolved = _stage("resolution", resolve_facts, facts)
    return Prepared(_stage("planning", plan_article, source, parsed, resolved))


def prepare(path: str, budget: float) -> Prepared:
    """:func:`run_stages` within ``budget`` seconds; a failure is given as its reason."""
    try:
        with _time_limit(budget):
            return run_stages(path)
    except (ReadError, ParseError, FileFailed) as error:
        return Prepared(error=str(error))
    except OverBudget:
        return Prepared(error=over_budget_reason(budget))


@dataclass
class Job:
    """One item of the run, in input order: ``path`` to prepare, or None (nothing to
    prepare: the writer handles ``item`` as it is)."""

    item: Any
    path: str | None


WARM_UP_TEXT = "Hội đàm\n\nNgày 13/1/2017, Bộ trưởng Tô Lâm hội đàm với ông Quách Thanh Côn.\n"


def warm_up() -> None:
    """Load the knowledge and compile the patterns in this process, so that forked workers
    share them instead of each loading its own."""
    source = SourceText("warm-up", "", WARM_UP_TEXT, WARM_UP_TEXT, "utf-8")
    with suppress(ParseError):
        resolve_facts(extract_facts(parse_article(source)))


WORKER_GC_THRESHOLD = 20_000  # allocations between young collections (Python's default: 700)


def _worker_start() -> None:
    """A worker's garbage collector: the objects the parent made before forking (the
    knowledge, the modules) were frozen there, so no collection scans them or writes to
    their pages (they stay shared); a file's stages make many short-lived objects and few
    cycles, so young collections run less often."""
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


def prepare_all(paths: list[str], budget: float) -> list[Prepared]:
    """:func:`prepare` each of ``paths`` (a chunk handed to a worker at once)."""
    return [prepare(path, budget) for path in paths]


class _QuietPool(multiprocessing.pool.Pool):
    """A pool whose worker-keeping thread wakes when a worker exits or the pool's state
    changes, not also whenever a result is waiting in the pipe: until the result thread had
    read it (behind the writer, for the interpreter lock), that thread spun on the readable
    pipe, a third of a millisecond of the parent's CPU per file."""

    def _get_sentinels(self):
        return [self._change_notifier._reader]


class _Pool:
    """Worker processes (forked: they inherit the loaded knowledge and the environment,
    the known-people switch included), started when the first file needs preparing. Jobs
    are handed over in chunks of up to ``CHUNK_FILES`` files (a task costs the parent
    about as much as reading a file), oldest chunk first."""

    def __init__(self, workers: int, budget: float):
        self.workers, self.budget = workers, budget
        self.context = multiprocessing.get_context("fork")
        self.pool = None
        self.gathering: list[Job] = []
        self.gathered_paths = 0
        self.window: deque[tuple[list[Job], Any]] = deque()
        self.frozen = False

    def submit(self, job: Job) -> None:
        self.gathering.append(job)
        self.gathered_paths += job.path is not None
        if self.gathered_paths >= CHUNK_FILES or len(self.gathering) >= CHUNK_JOBS:
            self.send()

    def send(self, chunk_files: int | None = None) -> None:
        """Hand what is gathered to the workers (``chunk_files`` at most a task)."""
        jobs, self.gathering, self.gathered_paths = self.gathering, [], 0
        if not jobs:
            return
        paths = [job.path for job in jobs if job.path is not None]
        if not paths:
            self.window.append((jobs, None))
            return
        if self.pool is None:
            warm_up()
            gc.freeze()  # see _worker_start; unfrozen in close()
            self.frozen = True
            self.pool = self._start()
        size = chunk_files or len(paths)
        for first in range(0, len(paths), size):
            part = paths[first : first + size]
            pending = self.pool.apply_async(prepare_all, (part, self.budget))
            self.window.append(([], (part, pending)))
        self.window[-1][0].extend(jobs)  # the jobs come out with the last of their tasks

    def full(self) -> bool:
        return len(self.window) >= self.workers * IN_FLIGHT_PER_WORKER

    def oldest(self) -> list[tuple[Job, Prepared | None]]:
        """The jobs whose files are all prepared, with their results, in input order."""
        prepared: list[Prepared] = []
        while True:
            jobs, task = self.window.popleft()
            if task is not None:
                prepared += self._results(*task)
            if jobs:
                break
        results = iter(prepared)
        return [(job, next(results) if job.path is not None else None) for job in jobs]

    def _results(self, paths: list[str], pending) -> list[Prepared]:
        # each file stops itself at the budget; a chunk later than all of them has one stuck
        wait = self.budget * len(paths) + GRACE_SECONDS if self.budget > 0 else None
        try:
            return pending.get(timeout=wait)
        except multiprocessing.TimeoutError:
            return self._retry(paths)

    def _retry(self, paths: list[str]) -> list[Prepared]:
        """A worker does not answer (stuck where its alarm cannot reach it): a fresh pool
        prepares the chunk's files one by one, so only the stuck file fails, then takes the
        tasks that were pending."""
        self._restart()
        results = []
        for path in paths:
            pending = self.pool.apply_async(prepare_all, ([path], self.budget))
            try:
                results += pending.get(timeout=self.budget + GRACE_SECONDS)
            except multiprocessing.TimeoutError:
                self._restart()
                results.append(Prepared(error=over_budget_reason(self.budget)))
        return results

    def _restart(self) -> None:
        self.pool.terminate()
        self.pool.join()
        self.pool = self._start()
        window, self.window = self.window, deque()
        for jobs, task in window:  # hand the pending tasks to the fresh pool
            if task is not None:
                paths, _lost = task
                task = (paths, self.pool.apply_async(prepare_all, (paths, self.budget)))
            self.window.append((jobs, task))

    def _start(self):
        return _QuietPool(self.workers, _worker_start, context=self.context)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
        if self.frozen:
            gc.unfreeze()


def prepared_in_order(
    jobs: Iterable[Job], workers: int, budget: float
) -> Iterator[tuple[Job, Prepared | None]]:
    """Each job with its prepared file (None for a job without a path), in input order.
    ``jobs`` is consumed lazily, at most a few per worker ahead of what is handed back."""
    if workers <= 1:
        warmed = False
        for job in jobs:
            if job.path is not None and not warmed:
                warm_up()  # the knowledge loaded outside the first file's time budget
                warmed = True
            yield job, prepare(job.path, budget) if job.path is not None else None
        return
    pool = _Pool(workers, budget)
    try:
        for job in jobs:
            pool.submit(job)
            while pool.full():
                yield from pool.oldest()
        pool.send(chunk_files=max(1, -(-pool.gathered_paths // workers)))  # the last, shared
        while pool.window:
            yield from pool.oldest()
    finally:
        pool.close()
