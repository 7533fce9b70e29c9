"""`archive serve` on 127.0.0.1 under a bounded load: 20 concurrent clients, 2,000 requests
mixing table pages, facets, search, canned queries and raw SQL. No server errors, every
write refused, a slow query cut by the SQL time limit while other requests are answered."""

import hashlib
import json
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

import pytest
import yaml

CLIENTS, REQUESTS = 20, 2000
READS = [
    "/",
    "/archive",
    "/archive/meetings_browse?_facet_array=participants&_facet=kind_en",
    "/archive/articles_browse.json?_facet_array=topics&_facet=outlet",
    "/archive/persons_browse.json?_facet=country&_facet_array=posts",
    "/archive/articles.json?_search=" + quote("hoà bình"),
    "/archive/find_who_met_whom.json?a=" + quote("Tô Lâm") + "&b=CN",
    "/archive/person_timeline.json?name=" + quote("Quách Thanh Côn"),
    "/archive/search_accent_free.json?q=" + quote("bo cong an"),
    "/archive/evidence.json?fact=meeting",
    "/archive.json?sql=" + quote("select kind, count(*) from meetings group by kind"),
    "/-/dashboards/overview",
]
METADATA = Path(__file__).resolve().parent.parent / "archive" / "datasette" / "metadata.yml"
NAMED_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
NONSENSE = "zqxjv"
INJECTIONS = [
    "' OR '1'='1",
    "'; DELETE FROM articles; --",
    "%' OR 1=1 --",
    '" OR 1=1 --',
    "') UNION SELECT name, sql, 1, 1, 1, 1, 1, 1 FROM sqlite_master --",
]
# FTS5's query parser's messages; SQLite's SQL parser says "near ...", "unrecognized token"
FTS5_ERRORS = ("fts5: syntax error", "unterminated string")
SLOW_SQL = "with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) from n"
WRITES = [
    "delete from articles",
    "insert into topics (slug, name_vi, name_en) values (1,2,3)",
    "attach database '/tmp/x.db' as x",
    "pragma journal_mode = wal",
    "pragma user_version = 7",
    "pragma writable_schema = on",
    "select 1; delete from articles",
    "with x as (select 1) delete from articles",
    "vacuum into '/tmp/copy.db'",
    "create table pwned (x)",
    "update persons set name = 'x'",
]


def fetch(url: str, data: bytes | None = None) -> int:
    try:
        with urlopen(Request(url, data=data), timeout=30) as response:
            response.read()
            return response.status
    except HTTPError as error:
        return error.code


def test_bounded_load_has_no_server_errors(server):
    rng = random.Random(7)
    urls = [server + rng.choice(READS) for _ in range(REQUESTS)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        statuses = list(pool.map(fetch, urls))
    elapsed = time.monotonic() - started
    assert statuses.count(200) == REQUESTS, {s: statuses.count(s) for s in set(statuses)}
    print(
        f"{REQUESTS} requests, {CLIENTS} clients: {elapsed:.1f}s, "
        f"{REQUESTS / elapsed:.0f} requests/s"
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("sql", WRITES)
def test_writes_in_sql_are_refused(server, built_db, sql):
    before = digest(built_db)
    assert fetch(f"{server}/archive.json?sql={quote(sql)}") in (400, 403)
    assert digest(built_db) == before


def test_post_writes_are_refused(server):
    body = json.dumps({"row": {"slug": "x", "name_vi": "x", "name_en": "x"}}).encode()
    assert fetch(f"{server}/archive/topics/-/insert", data=body) in (403, 404, 405)
    assert fetch(f"{server}/archive/-/create", data=body) in (403, 404, 405)
    count = urlopen(f"{server}/archive.json?sql=select+count(*)+from+topics&_shape=arrayfirst")
    assert json.loads(count.read()) == [19]


def test_slow_query_is_cut_while_others_are_answered(server):
    results: dict[str, object] = {}

    def slow():
        started = time.monotonic()
        results["slow"] = fetch(f"{server}/archive.json?sql={quote(SLOW_SQL)}")
        results["slow_seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    quick = [fetch(server + "/archive/meetings.json") for _ in range(10)]
    thread.join(timeout=30)
    assert results["slow"] == 400  # "SQL query took too long"
    assert results["slow_seconds"] < 10
    assert quick == [200] * 10


def canned_queries() -> dict[str, list[str]]:
    """Every canned query the project's metadata defines, with its named parameters."""
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    queries = {}
    for database in metadata.get("databases", {}).values():
        for name, query in (database.get("queries") or {}).items():
            sql = query["sql"] if isinstance(query, dict) else query
            params = (query.get("params") if isinstance(query, dict) else None) or []
            queries[name] = sorted(set(params) | set(NAMED_PARAMETER.findall(sql)))
    return queries


def rows(server: str, query: str, value: str, params: list[str]) -> tuple[int, object]:
    url = f"{server}/archive/{query}.json?_shape=array&" + urlencode(dict.fromkeys(params, value))
    try:
        with urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, json.loads(error.read()).get("error")


def test_every_canned_query_is_found():
    assert len(canned_queries()) >= 3 and all(canned_queries().values())


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize("query", sorted(canned_queries()))
def test_canned_query_parameters_cannot_inject_sql(server, built_db, query, payload):
    """A parameter is a value: a payload that would widen, break or write if it were spliced
    into the SQL answers like a plain word that matches nothing, or, in a full-text search,
    is refused by FTS5's own query parser (it reached MATCH as a value, never as SQL)."""
    params, before = canned_queries()[query], digest(built_db)
    plain = rows(server, query, NONSENSE, params)
    assert plain[0] == 200, plain
    status, answer = rows(server, query, NONSENSE + payload, params)
    if status == 400:
        assert answer.startswith(FTS5_ERRORS), answer
    else:
        assert (status, answer) == plain
    assert digest(built_db) == before


SEARCHES = [name for name in sorted(canned_queries()) if name.startswith("search")]


@pytest.mark.parametrize("query", SEARCHES)
def test_searches_accept_any_typed_text(server, query):
    status, answer = rows(server, query, 'Tô Lâm\'s "visit" (2012)', canned_queries()[query])
    assert status == 200, answer


# A function call on ~9 million characters: unbounded, vi_normalise() takes ~4 s on it,
# and SQLite's time limit cannot interrupt a Python function.
HUGE_TEXT = "replace(hex(zeroblob(1000000)), '00', 'hoà bình ')"


@pytest.mark.parametrize("function", ["vi_normalise", "vi_fold", "vi_match", "vi_fold_match"])
def test_sql_functions_refuse_huge_text_at_once(server, function):
    started = time.monotonic()
    status = fetch(f"{server}/archive.json?sql={quote(f'select {function}({HUGE_TEXT})')}")
    assert status == 400 and time.monotonic() - started < 2


def test_three_huge_function_calls_do_not_freeze_the_server(server):
    """Three anonymous GETs (one per SQL thread) each calling vi_normalise() on megabytes:
    all answered within the time limit, and the server answers others meanwhile."""
    sql = quote(f"select length(vi_normalise({HUGE_TEXT}))")
    with ThreadPoolExecutor(max_workers=4) as pool:
        started = time.monotonic()
        heavy = [pool.submit(fetch, f"{server}/archive.json?sql={sql}") for _ in range(3)]
        time.sleep(0.2)
        quick_started = time.monotonic()
        quick = fetch(server + "/archive/meetings.json")
        quick_seconds = time.monotonic() - quick_started
        statuses = [future.result() for future in heavy]
    assert statuses == [400] * 3 and time.monotonic() - started < 2.5
    assert quick == 200 and quick_seconds < 2
