"""Import speed at scale, against the write limit of this machine measured in the same run.

On a generated corpus of N articles (``benchmarks/corpus.py``):
(a) a bare ``sqlite-utils`` ``insert_all`` of the same texts plus an FTS5 build (best of 3);
(b) ``archive import`` into a fresh database, end to end (search and views included):
    time, ratio to (a), articles/s in each tenth of the articles, peak memory of the whole
    process tree;
(c) the same import again, nothing changed;
(d) the same import after 1 % of the files changed.
Prints figures; asserts nothing. Usage:
``python benchmarks/import_speed.py N [--corpus DIR] [--seed S] [--keep-db FILE]
[--reuse-db FILE] [--db URL]`` (``--corpus`` keeps the generated files, to compare two
versions on the same corpus; ``--keep-db`` keeps the database as (c) left it, in step with
the corpus; ``--reuse-db`` times only (c) and (d), on a copy of a database kept from that
corpus; ``--db`` runs (b)-(d) against a PostgreSQL database, emptied first, and adds the
CPU of the local server's processes; (a) stays the SQLite write limit).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import article_path, change_files, restore_files, write_corpus  # noqa: E402
from measure import Database, Run, is_server, query_one, run  # noqa: E402

BARE_INSERT = """
import sys
from pathlib import Path
import sqlite_utils
db = sqlite_utils.Database(sys.argv[2])
rows = (
    {"path": str(p), "text": p.read_text(encoding="utf-8")}
    for p in sorted(Path(sys.argv[1]).rglob("*.txt"))
)
db["articles"].insert_all(rows, pk="path", batch_size=1000)
db["articles"].enable_fts(["text"], tokenize="unicode61 remove_diacritics 0")
"""
ENTITY_TABLES = ("persons", "organisations", "positions", "meetings", "meeting_participants")


def bare_insert(folder: Path, db: Path) -> Run:
    return run([sys.executable, "-c", BARE_INSERT, str(folder), str(db)])


def archive_import(folder: Path, db: Database) -> list[str]:
    return [sys.executable, "-m", "archive.cli", "import", str(folder), "--db", str(db)]


def corpus_folder(folder: Path, count: int, seed: int) -> float:
    """Generate the corpus into ``folder`` unless it already holds it; return seconds spent."""
    if any(folder.rglob("*.txt")):
        return 0.0
    started = time.perf_counter()
    write_corpus(folder, count, seed)
    return time.perf_counter() - started


def summary_line(run: Run) -> str:
    """The import's summary, and its error if it stopped on one (exit code 1 is also what
    files that failed give: the run is timed either way, the error shown)."""
    lines = [line for line in run.output.splitlines() if " imported, " in line]
    errors = [line.strip() for line in run.output.splitlines() if line.startswith("Error:")]
    summary = lines[-1].strip() if lines else "(no summary printed)"
    return summary + "".join(f"; {error}" for error in errors)


def entity_counts(db: Database) -> str:
    return ", ".join(f"{query_one(db, f'SELECT count(*) FROM {t}'):,} {t}" for t in ENTITY_TABLES)


def empty_server_database(url: str) -> None:
    """A fresh PostgreSQL database for (b): its schema dropped and made again."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def server_cpu(run: Run) -> str:
    spent = run.server_cpu_seconds
    return "" if spent is None else f"; PostgreSQL server: {spent:.2f} s CPU"


def report_fresh(count: int, bare: Run, fresh: Run, db: Database) -> None:
    print(
        f"(a) bare insert_all + FTS5 (best of 3): {bare.seconds:.2f} s "
        f"({bare.cpu_seconds:.2f} s CPU), "
        f"{count / bare.seconds:,.0f} articles/s"
    )
    print(
        f"(b) archive import, fresh database: {fresh.seconds:.1f} s "
        f"({fresh.cpu_seconds:.1f} s CPU, {fresh.cpu_seconds / bare.cpu_seconds:.1f} x (a)'s), "
        f"{count / fresh.seconds:,.1f} articles/s, {fresh.seconds / bare.seconds:.1f} x (a)"
        f"{server_cpu(fresh)}"
    )
    stored = fresh.progress[-1][1] if fresh.progress else count  # files that failed: not stored
    tenths = fresh.tenths(stored)
    print("    articles/s by tenth: " + " ".join(f"{rate:,.1f}" for rate in tenths))
    if len(tenths) == 10:
        print(f"    last tenth / first tenth time: {tenths[0] / tenths[-1]:.2f}")
    first, last = fresh.reached(1), fresh.reached(stored)
    if first is not None and last is not None:
        print(
            f"    start-up until the first article: {first:.1f} s; "
            f"after the last article (search, views): {fresh.seconds - last:.1f} s"
        )
    if last is not None:
        spent = fresh.cpu_at(last)
        print(
            f"    CPU until the last article (the import without the search build): "
            f"{spent:.1f} s, {1000 * spent / stored:.2f} ms an article"
        )
    after = f" ({fresh.peak_after(last):,.0f} MiB after the last article)" if last else ""
    print(f"    peak memory, whole process tree: {fresh.peak_mib:,.0f} MiB{after}")
    print(f"    {summary_line(fresh)}; {entity_counts(db)}")


def report_again(label: str, files: int, again: Run, bare: Run | None) -> None:
    ratio = f", {again.seconds / bare.seconds:.1f} x (a)" if bare else ""
    print(
        f"{label}: {again.seconds:.2f} s ({again.cpu_seconds:.2f} s CPU), "
        f"{files / again.seconds:,.0f} files/s ({files / again.cpu_seconds:,.0f} per CPU s)"
        f"{ratio}; {summary_line(again)}{server_cpu(again)}"
    )


def change_and_import(folder: Path, count: int, db: Database) -> tuple[Run, int]:
    """(d): import after 1 % of the files changed; the files are restored afterwards, times
    included, so a kept corpus stays as generated and a kept database in step with it."""
    times = {}
    for number in range(0, count, 100):
        info = article_path(folder, number).stat()
        times[article_path(folder, number)] = (info.st_atime_ns, info.st_mtime_ns)
    originals = change_files(folder, count, 0.01)
    try:
        return run(archive_import(folder, db), server=is_server(db)), len(originals)
    finally:
        restore_files(originals)
        for path, (atime, mtime) in times.items():
            os.utime(path, ns=(atime, mtime))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, help="number of articles to generate")
    parser.add_argument("--corpus", type=Path, help="folder for the corpus (kept; reused)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-db", type=Path, help="copy the database after (c) here")
    parser.add_argument(
        "--reuse-db", type=Path, help="time (c) and (d) only, on a copy of this kept database"
    )
    parser.add_argument("--db", help="a PostgreSQL database's URL (emptied) instead of SQLite")
    args = parser.parse_args(argv)
    if args.db and (args.keep_db or args.reuse_db or not is_server(args.db)):
        parser.error("--db takes a PostgreSQL URL, without --keep-db or --reuse-db")
    with tempfile.TemporaryDirectory(prefix="import-speed-") as scratch:
        tmp = Path(scratch)
        folder = args.corpus or tmp / "corpus"
        generated = corpus_folder(folder, args.count, args.seed)
        size = sum(p.stat().st_size for p in folder.rglob("*.txt")) / 2**20
        print(f"corpus: {args.count:,} articles, {size:,.1f} MiB (seed {args.seed}", end="")
        print(f", generated in {generated:.1f} s)" if generated else ", reused)")
        db, bare = args.db or tmp / "archive.db", None
        server = is_server(db)
        if args.reuse_db:
            shutil.copyfile(args.reuse_db, db)
        else:
            bare = min(
                (bare_insert(folder, tmp / f"bare{i}.db") for i in range(3)),
                key=lambda r: r.seconds,
            )
            if server:
                empty_server_database(db)
            fresh = run(archive_import(folder, db), db, server)
            report_fresh(args.count, bare, fresh, db)
        unchanged = run(archive_import(folder, db), server=server)
        report_again("(c) re-import, unchanged", args.count, unchanged, bare)
        if args.keep_db:
            shutil.copyfile(db, args.keep_db)
        again, changed = change_and_import(folder, args.count, db)
        report_again(f"(d) re-import, {changed} files (1 %) changed", args.count, again, bare)


if __name__ == "__main__":
    main()
