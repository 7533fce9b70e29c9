"""`archive serve` on 127.0.0.1 under a bounded load: 20 concurrent clients, 2,000 requests
mixing table pages, facets, search, canned queries and raw SQL. No server errors, every
write refused, a slow query cut by the SQL time limit while other requests are answered."""

import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import Request, urlopen

import pytest

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
SLOW_SQL = "with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) from n"
WRITES = [
    "delete from articles",
    "insert into topics (slug, name_vi, name_en) values (1,2,3)",
    "attach database '/tmp/x.db' as x",
    "pragma journal_mode = wal",
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


@pytest.mark.parametrize("sql", WRITES)
def test_writes_in_sql_are_refused(server, sql):
    assert fetch(f"{server}/archive.json?sql={quote(sql)}") in (400, 403)


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


def test_canned_query_parameters_cannot_inject_sql(server):
    hostile = quote("x'; drop table articles; --")
    assert fetch(f"{server}/archive/find_who_met_whom.json?a={hostile}&b={hostile}") == 200
    count = urlopen(f"{server}/archive.json?sql=select+count(*)+from+articles&_shape=arrayfirst")
    assert json.loads(count.read()) == [5]
