"""Datasette response times on a big archive: p50/p95 over loopback of every table page with
configured facets (and whether Datasette dropped a facet for time), every search and every
canned query in ``metadata.yml``, and the pages of the busiest organisation, topic, person,
meeting and article, each asked R times after one warm-up request; and after each facet
page the page a click on its top facet value gives (a filtered page).

The archive is an existing file (``--db``), or N generated articles imported first.
Prints figures; asserts nothing. Usage:
``python benchmarks/serve_speed.py (N | --db FILE) [--repeat R] [--no-clicks] [--only TEXT]...
[--corpus DIR] [--seed S]`` (``--only``: the pages whose label holds one of the texts, e.g.
``--only "search articles" --only "click persons_browse"``).
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import urlopen

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus  # noqa: E402

from archive.datasette import metadata_path  # noqa: E402
from archive.postprocess import is_current  # noqa: E402

NAMED_PARAMETER = re.compile(r"(?<![:\w]):(\w+)")
# What a reader would type into each canned query's boxes.
PARAMETER_VALUES = {
    "a": "Tô Lâm",
    "b": "CN",
    "name": "Tô Lâm",
    "org_a": "Bộ Công an",
    "org_b": "Trung Quốc",
    "topic": "drug",
    "subject": "Bộ trưởng",
    "q": "hợp tác",
}
TABLE_SEARCHES = {"articles": "hợp tác phòng chống"}
# The one search box (an HTML page): text with diacritics, and typed without them.
SEARCH_BOX = {"search box": "hợp tác", "search box-unaccented": "ma tuy"}
READY_SECONDS = 600  # `archive serve` hashes and counts the file first (a 100k archive: 6 GB)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def facet_columns(config: dict) -> list[str]:
    """The columns of a table's configured facets (``{array: col}`` is faceted by ``col``)."""
    return [f if isinstance(f, str) else next(iter(f.values())) for f in config["facets"]]


# The page of the entity with the longest lists of each kind (their lists are cut to a page).
BUSIEST = {
    "organisations": "SELECT pos.organisation_id FROM person_positions pp "
    "JOIN positions pos ON pos.id = pp.position_id WHERE pos.organisation_id IS NOT NULL "
    "GROUP BY pos.organisation_id ORDER BY count(*) DESC LIMIT 1",
    "topics": "SELECT topic_id FROM article_topics GROUP BY topic_id "
    "ORDER BY count(*) DESC LIMIT 1",
    "persons": "SELECT person_id FROM meeting_participants GROUP BY person_id "
    "ORDER BY count(*) DESC LIMIT 1",
    "meetings": "SELECT meeting_id FROM meeting_participants GROUP BY meeting_id "
    "ORDER BY count(*) DESC LIMIT 1",
    "articles": "SELECT article_id FROM article_persons GROUP BY article_id "
    "ORDER BY count(*) DESC LIMIT 1",
}


def entity_pages(db: Path) -> dict[str, tuple[str, list[str]]]:
    """The page of the busiest organisation, topic, person, meeting and article."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        found = {table: conn.execute(sql).fetchone() for table, sql in BUSIEST.items()}
    return {
        f"page {table}": (f"/archive/{table}/{row[0]}", []) for table, row in found.items() if row
    }


def pages(db: Path | None = None) -> dict[str, tuple[str, list[str]]]:
    """Label → (path, facet columns it must show) of every page measured (with ``db``, the
    busiest entities' pages too)."""
    database = yaml.safe_load(metadata_path().read_text(encoding="utf-8"))["databases"]["archive"]
    found = {}
    for table, config in (database.get("tables") or {}).items():
        if config and config.get("facets"):
            path = f"/archive/{quote(table)}.json?_size=50"
            found[f"facets {table}"] = (path, facet_columns(config))
    for table, words in TABLE_SEARCHES.items():
        path = f"/archive/{table}.json?" + urlencode({"_search": words})
        found[f"search {table}"] = (path, [])
    for label, words in SEARCH_BOX.items():
        found[label] = ("/-/search?" + urlencode({"q": words}), [])
    for name, query in (database.get("queries") or {}).items():
        params = sorted(set(NAMED_PARAMETER.findall(query["sql"])))
        values = {p: PARAMETER_VALUES.get(p, "hợp tác") for p in params}
        path = f"/archive/{name}.json?_shape=objects&" + urlencode(values)
        found[f"query {name}"] = (path, [])
    return found | (entity_pages(db) if db else {})


def fetch(url: str) -> tuple[float, dict]:
    """Seconds to the whole response, and its JSON (Datasette's error JSON for an error; no
    rows for an HTML page)."""
    started = time.perf_counter()
    try:
        with urlopen(url, timeout=60) as response:
            body = response.read()
    except HTTPError as error:  # e.g. 400 when a query passes the SQL time limit
        answer = json.loads(error.read() or b"{}")
        message = re.sub(r"<[^>]*>", "", answer.get("error") or error.reason).strip()
        answer["error"] = f"HTTP {error.code}: {message.splitlines()[0] if message else ''}"
        return time.perf_counter() - started, answer
    seconds = time.perf_counter() - started
    if not body.lstrip().startswith(b"{"):
        return seconds, {"rows": []}
    return seconds, json.loads(body)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class PageTimes:
    label: str
    p50_ms: float
    p95_ms: float
    rows: int
    dropped: list[str]
    error: str | None = None
    answer: dict = field(default_factory=dict, repr=False)

    def line(self, width: int) -> str:
        times = f"{self.label:<{width}}  p50 {self.p50_ms:8.1f} ms  p95 {self.p95_ms:8.1f} ms"
        if self.error:
            return f"{times}  {self.error}"
        note = f"  facets dropped for time: {', '.join(self.dropped)}" if self.dropped else ""
        return f"{times}  {self.rows:4d} rows{note}"


def measure(
    server: str, db: Path, repeat: int, clicks: bool = True, only: list[str] | None = None
) -> Iterator[PageTimes]:
    """Times of every page (with ``only``, of the pages whose label holds one of its texts);
    a configured facet missing from the answer was dropped for time (Datasette gives up on
    a facet past ``facet_time_limit_ms`` and shows the page without). A page that fails (a
    query past the SQL time limit) is timed once, with its error. After a facet page, with
    ``clicks``, the page its reader gets by clicking the most frequent value of its first
    list facet (else of its first facet): a filtered page, which no stored count answers."""
    for label, (path, facets) in pages(db).items():
        click_label = label.replace("facets ", "click ", 1)
        follow = clicks and bool(facets) and chosen(click_label, only)
        if chosen(label, only):
            timed = time_page(label, server + path, facets, repeat)
            yield timed
            answer = {"error": timed.error} if timed.error else timed.answer
        elif follow:
            answer = fetch(server + path)[1]  # the facet page, only for its top value
        else:
            continue
        clicked = click(answer, facets) if follow and not answer.get("error") else None
        if clicked:
            yield time_page(click_label, clicked, facets, repeat)


def chosen(label: str, only: list[str] | None) -> bool:
    return not only or any(text in label for text in only)


def time_page(label: str, url: str, facets: list[str], repeat: int) -> PageTimes:
    first, answer = fetch(url)  # warm-up: first query plans, page cache
    if answer.get("error"):  # (a canned query's answer has "error": null)
        return PageTimes(label, first * 1000, first * 1000, 0, [], answer["error"])
    times = [fetch(url)[0] for _ in range(repeat)]
    shown = answer.get("facet_results") or {}
    dropped = [column for column in facets if column not in shown]
    p50, p95 = percentile(times, 0.5) * 1000, percentile(times, 0.95) * 1000
    return PageTimes(label, p50, p95, len(answer["rows"]), dropped, answer=answer)


def click(answer: dict, facets: list[str]) -> str | None:
    """The URL of a facet page with its first list facet's (else first facet's) top value
    selected."""
    shown = answer.get("facet_results") or {}
    listed = [f for f in shown.values() if f["type"] == "array" and f["results"]]
    chosen = listed[:1] or [shown[c] for c in facets if c in shown and shown[c]["results"]][:1]
    return chosen[0]["results"][0]["toggle_url"] if chosen else None


def serve(db: Path, port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "archive.cli", "serve", "--db", str(db), "--port", str(port)]
    with log.open("w") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        try:
            with urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                last = log.read_text().strip().splitlines()[-1:]
                raise SystemExit(
                    f"error: archive serve exited {server.returncode}: {last}"
                ) from None
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"error: archive serve did not answer within {READY_SECONDS} s")


def build(count: int, folder: Path, db: Path, seed: int) -> None:
    if not any(folder.rglob("*.txt")):
        write_corpus(folder, count, seed)
    command = [sys.executable, "-m", "archive.cli", "import", str(folder), "--db", str(db)]
    subprocess.run(command, check=True, capture_output=True)


def report(db: Path, results: Iterable[PageTimes], repeat: int) -> None:
    """Print each page's times as measured, then the slowest page and what was lost."""
    size = db.stat().st_size / 2**20
    print(f"database: {size:,.1f} MiB; {repeat} requests per page after a warm-up", flush=True)
    width = max(len(label) for label in pages(db)) + 1
    done = []
    for result in results:
        print(result.line(width), flush=True)
        done.append(result)
    for kind, results in (
        ("pages", [r for r in done if not r.label.startswith("click ")]),
        ("clicks", [r for r in done if r.label.startswith("click ")]),
    ):
        if results:
            worst = max(results, key=lambda r: r.p95_ms)
            dropped = sum(len(r.dropped) for r in results)
            failed = sum(1 for r in results if r.error)
            print(
                f"{kind}: slowest p95: {worst.label} {worst.p95_ms:.1f} ms; "
                f"facets dropped for time: {dropped}; pages failed: {failed}"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, nargs="?", help="articles to generate and import")
    parser.add_argument("--db", type=Path, help="an existing archive to serve instead")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-clicks", action="store_true", help="facet pages as configured only")
    parser.add_argument(
        "--only", action="append", metavar="TEXT", help="pages whose label holds TEXT"
    )
    parser.add_argument("--corpus", type=Path, help="folder for the generated corpus (kept)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if (args.count is None) == (args.db is None):
        parser.error("give either N or --db FILE")
    with tempfile.TemporaryDirectory(prefix="serve-speed-") as scratch:
        db = args.db
        if db is None:
            db = Path(scratch) / "archive.db"
            build(args.count, args.corpus or Path(scratch) / "corpus", db, args.seed)
        if not is_current(db):
            raise SystemExit(
                f"error: {db}: its search tables are another version's: rebuild them first "
                f'(python -c "from archive.postprocess import ensure_db_shape; '
                f"ensure_db_shape('{db}')\")"
            )
        if db.name != "archive.db":  # Datasette names the database after the file
            (Path(scratch) / "archive.db").symlink_to(db.resolve())
            db = Path(scratch) / "archive.db"
        port = free_port()
        server = serve(db, port, Path(scratch) / "serve.log")
        try:
            server_url = f"http://127.0.0.1:{port}"
            found = measure(server_url, db, args.repeat, not args.no_clicks, args.only)
            report(db, found, args.repeat)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
