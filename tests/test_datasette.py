"""Datasette on the built seed archive, through Datasette's own test client: metadata,
every configured facet, Vietnamese and accent-free search, every canned query, read-only."""

import asyncio
import re
from urllib.parse import quote

import pytest
import yaml
from datasette.app import Datasette

from archive.datasette import SETTINGS, metadata_path, template_dir
from archive.datasette.plugin import normalise_query_string

METADATA = yaml.safe_load(metadata_path().read_text(encoding="utf-8"))
TABLES = METADATA["databases"]["archive"]["tables"]
QUERIES = METADATA["databases"]["archive"]["queries"]

# Example parameters for every canned query, and a value each answer must contain.
CANNED_EXAMPLES = {
    "find_who_met_whom": (
        {"a": "Tô Lâm", "b": "CN"},
        ("posts_b", "Minister, Ministry of Public Security of the People's Republic of China"),
    ),
    "person_timeline": ({"name": "Guo Shengkun"}, ("detail", "Bộ trưởng — Bộ Công an Trung Quốc")),
    "meetings_between_organisations": (
        {"org_a": "Bộ Công an Việt Nam", "org_b": "Bộ An ninh Quốc gia"},
        ("person_b", "Trần Văn Thanh"),
    ),
    "topic_trends": ({"topic": "Telecom"}, ("topic", "Telecom fraud")),
    "fact_evidence": (
        {"subject": "Vương Ninh"},
        ("detail", "Tư lệnh — Tổng bộ Cảnh sát vũ trang Trung Quốc"),
    ),
    "co_attendance": ({"name": "Tô Lâm"}, ("attended_with", "Mạnh Hồng Vỹ")),
    "search_articles": ({"q": "hoà bình"}, ("published_date", "2024-08")),
    "search_accent_free": ({"q": "bo cong an"}, ("published_date", "2012-01-06")),
    "search_evidence": ({"q": "Uỷ viên Quốc vụ"}, ("subject", "Quách Thanh Côn")),
}


@pytest.fixture(scope="module")
def datasette(built_db):
    return Datasette(
        [],
        immutables=[str(built_db)],
        metadata=METADATA,
        settings=SETTINGS,
        template_dir=str(template_dir()),
    )


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def rows(ds, path) -> list[dict]:
    joiner = "&" if "?" in path else "?"
    response = get(ds, f"{path}{joiner}_shape=array")
    assert response.status_code == 200, response.text
    return response.json()


def test_home_page_has_title_and_license(datasette):
    page = get(datasette, "/").text
    assert "Vietnam–China Security Cooperation Archive" in page
    assert "CC BY 4.0" in page


def test_every_visible_table_and_column_is_described(datasette):
    tables = get(datasette, "/archive.json").json()
    visible = {t["name"] for t in tables["tables"] if not t["hidden"]} | {
        v["name"] for v in tables["views"]
    }
    for name in visible:
        assert TABLES.get(name, {}).get("description"), f"{name} has no description"
        columns = get(datasette, f"/archive/{name}.json?_size=1").json()["columns"]
        described = TABLES[name].get("columns", {})
        missing = [c for c in columns if c not in described and c != "rowid"]
        assert not missing, f"{name}: columns without a description: {missing}"


def test_internal_tables_are_hidden(datasette):
    tables = {t["name"]: t["hidden"] for t in get(datasette, "/archive.json").json()["tables"]}
    for name in ("alembic_version", "import_runs", "search_facts", "articles_fts"):
        assert tables[name] is True


def _facet_parameters(facet) -> str:
    if isinstance(facet, dict):
        return f"_facet_array={quote(facet['array'])}"
    return f"_facet={quote(facet)}"


CONFIGURED_FACETS = [
    (table, facet) for table, config in TABLES.items() for facet in config.get("facets", [])
]


@pytest.mark.parametrize(
    ("table", "facet"),
    CONFIGURED_FACETS,
    ids=[f"{t}-{f if isinstance(f, str) else f['array']}" for t, f in CONFIGURED_FACETS],
)
def test_every_configured_facet_returns_values(datasette, table, facet):
    data = get(datasette, f"/archive/{table}.json?{_facet_parameters(facet)}").json()
    name = facet if isinstance(facet, str) else facet["array"]
    results = data["facet_results"]
    assert name in results, f"facet {name} of {table} failed or timed out: {data.get('error')}"
    assert results[name]["results"], f"facet {name} of {table} is empty"


def test_participant_facet_answers_who_tô_lâm_met(datasette):
    data = get(
        datasette,
        "/archive/meetings_browse.json?_facet_array=participants"
        "&participants__arraycontains=T%C3%B4%20L%C3%A2m",
    ).json()
    values = {r["value"] for r in data["facet_results"]["participants"]["results"]}
    assert {"Quách Thanh Côn", "Trần Văn Thanh", "Vương Ninh"} <= values


@pytest.mark.parametrize("query", ["hoà bình", "hòa bình"])
def test_table_search_finds_both_tone_mark_spellings(datasette, query):
    found = rows(datasette, f"/archive/articles.json?_search={quote(query)}&_col=title")
    assert {r["id"] for r in found} >= {4}


@pytest.mark.parametrize("query", ["Uỷ ban Chính pháp", "Ủy ban Chính pháp"])
def test_canned_search_normalises_the_query(datasette, query):
    found = rows(datasette, f"/archive/search_articles.json?q={quote(query)}")
    assert len(found) >= 2


def test_diacritics_still_matter_in_vietnamese_search(datasette):
    with_marks = rows(datasette, f"/archive/search_articles.json?q={quote('năm')}")
    without = rows(datasette, f"/archive/search_articles.json?q={quote('nam')}")
    assert {r["article_id"] for r in with_marks} != {r["article_id"] for r in without}


def test_the_articles_table_is_searched_with_its_diacritics(datasette):
    """Two indexes read the articles' rows; the table page searches the one that keeps
    diacritics (metadata's fts_table), not the accent-free one."""
    found = {
        word: {r["id"] for r in rows(datasette, f"/archive/articles.json?_search={quote(word)}")}
        for word in ("năm", "nam")
    }
    assert found["năm"] and found["năm"] != found["nam"]


def test_accent_free_search_finds_text_typed_without_diacritics(datasette):
    found = rows(datasette, f"/archive/search_accent_free.json?q={quote('Quach Thanh Con')}")
    assert len(found) >= 2


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_canned_query_returns_the_expected_rows(datasette, name):
    params, (column, expected) = CANNED_EXAMPLES[name]
    query = "&".join(f"{k}={quote(v)}" for k, v in params.items())
    found = rows(datasette, f"/archive/{name}.json?{query}")
    assert any(r[column] == expected for r in found), found[:3]


def test_canned_query_parameters_are_bound_not_spliced(datasette):
    injected = quote("x' OR 1=1 --")
    assert rows(datasette, f"/archive/find_who_met_whom.json?a={injected}&b={injected}") == []


def test_dashboard_is_served(datasette):
    page = get(datasette, "/-/dashboards/overview")
    assert page.status_code == 200
    assert "Meetings per year by kind" in page.text


def test_search_parameters_are_normalised_before_datasette_sees_them():
    fixed = normalise_query_string(b"_search=ho%C3%A0&_sort=id")
    assert fixed == b"_search=h%C3%B2a&_sort=id"


def test_sql_is_left_as_typed_and_plain_queries_untouched():
    typed = b"sql=select+%27ho%C3%A0%27&_size=1"
    assert normalise_query_string(typed) == typed
    assert normalise_query_string(b"_facet=kind&_size=5") == b"_facet=kind&_size=5"


@pytest.mark.parametrize(
    "sql",
    [
        "delete from articles",
        "insert into topics (slug, name_vi, name_en) values ('x','x','x')",
        "attach database ':memory:' as other",
        "pragma user_version = 5",
    ],
)
def test_writes_are_refused(datasette, sql):
    response = get(datasette, f"/archive.json?sql={quote(sql)}")
    assert response.status_code in (400, 403)
    count = rows(datasette, "/archive.json?sql=" + quote("select count(*) as n from articles"))
    assert count == [{"n": 5}]


def test_post_insert_is_refused(datasette):
    response = asyncio.run(datasette.client.post("/archive/articles/-/insert", json={}))
    assert response.status_code in (403, 404, 405)


@pytest.mark.parametrize("spelling", ["Uỷ ban Chính pháp", "Ủy ban Chính pháp"])
def test_column_filters_accept_either_tone_mark_spelling(datasette, spelling):
    found = rows(datasette, f"/archive/organisations.json?name__contains={quote(spelling)}")
    assert [r["name"] for r in found] == ["Ủy ban Chính pháp Trung ương Đảng Cộng sản Trung Quốc"]


def test_canned_query_parameters_accept_either_tone_mark_spelling(datasette):
    found = rows(datasette, f"/archive/fact_evidence.json?subject={quote('Uỷ viên Quốc vụ')}")
    assert {r["subject"] for r in found} == {"Quách Thanh Côn", "Vương Tiểu Hồng"}


# Who met whom in the seeds (extraction, issue 3): person, person, kind, date.
SEED_MEETINGS = [
    ("Tô Lâm", "Quách Thanh Côn", "talks", "2017-01-13"),
    ("Trần Đại Quang", "Mạnh Kiến Trụ", "talks", "2012-01-05"),
    ("Trần Đại Quang", "Chu Vĩnh Khang", "reception", "2012-01-05"),
    ("Lương Tam Quang", "Vương Tiểu Hồng", "talks", None),
    ("Tô Lâm", "Trần Văn Thanh", "meeting", None),
]


@pytest.mark.parametrize(("a", "b", "kind", "date"), SEED_MEETINGS)
def test_who_met_whom_shows_the_seed_meetings(datasette, a, b, kind, date):
    found = rows(datasette, f"/archive/find_who_met_whom.json?a={quote(a)}&b={quote(b)}")
    kinds = {(r["kind"], r["date"]) for r in found}
    expected = rows(datasette, f"/archive/search_meeting_kinds.json?kind={kind}")[0]["name_en"]
    assert (expected, date) in kinds, found


def test_questions_on_the_home_page_each_have_an_answer(datasette):
    html = METADATA["description_html"]
    block = html[html.index('<ul class="questions">') : html.index("</ul>")]
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', block)]
    assert len(links) == 5
    for link in links:
        path, _, query = link.partition("?")
        assert rows(datasette, f"{path}.json?{query}"), link


def test_person_page_lists_meetings_and_posts(datasette):
    person = rows(datasette, "/archive/persons.json?name=" + quote("Quách Thanh Côn"))[0]
    page = get(datasette, f"/archive/persons/{person['id']}")
    assert page.status_code == 200
    meetings = page.text[page.text.index("<h2>Meetings") : page.text.index("<h2>Posts")]
    assert "2017-01-13" in meetings and "Tô Lâm" in meetings and "Nguyễn Phú Trọng" in meetings
    assert "Minister" in page.text[page.text.index("<h2>Posts") :]
    assert "find_who_met_whom?a=Qu%C3%A1ch%20Thanh%20C%C3%B4n" in page.text


# --- Browsing as a research tool (issue 12) ---


def html(ds, path) -> str:
    response = get(ds, path)
    assert response.status_code == 200, response.text
    return response.text


def row_id(ds, table: str, column: str, value: str) -> int:
    found = rows(ds, f"/archive/{table}.json?{column}={quote(value)}")
    return found[0]["id"]


@pytest.mark.parametrize("b", ["CN", "China", "Trung Quốc", "china", "Trung Hoa"])
def test_who_met_whom_takes_a_country_code_or_name(datasette, b):
    found = rows(datasette, f"/archive/find_who_met_whom.json?a={quote('Tô Lâm')}&b={quote(b)}")
    assert {r["person_b"] for r in found} >= {"Quách Thanh Côn", "Trần Văn Thanh", "Vương Ninh"}
    assert {r["country_b"] for r in found} == {"CN"}


@pytest.mark.parametrize(
    "view", ["meetings_browse", "articles_browse", "persons_browse", "meeting_places"]
)
def test_browse_views_render_lists_of_links_not_json(datasette, view):
    page = html(datasette, f"/archive/{view}")
    table = page[page.index('<table class="rows-and-columns">') :]
    assert "[&#34;" not in table and '["' not in table and "&#34;]" not in table
    assert '<ul class="cell-list">' in table
    person = row_id(datasette, "persons", "name", "Quách Thanh Côn")
    if view != "articles_browse" or "Quách Thanh Côn" in table:
        assert f'href="/archive/persons/{person}"' in table


def test_array_columns_still_facet_as_arrays(datasette):
    data = get(datasette, "/archive/meetings_browse.json?_facet_array=topics").json()
    assert data["facet_results"]["topics"]["type"] == "array"
    assert data["rows"][0][list(data["columns"]).index("topics")].startswith('["')


def test_country_codes_and_places_carry_english_labels(datasette):
    page = html(datasette, "/archive/meetings_browse")
    assert 'CN <span class="en">China</span>' in page
    assert 'Bắc Kinh <span class="en">Beijing</span>' in page


def test_undated_meetings_count_as_year_not_stated(datasette):
    data = get(datasette, "/archive/meetings_browse.json?_facet=year").json()
    counts = {r["value"]: r["count"] for r in data["facet_results"]["year"]["results"]}
    assert counts.get("year not stated", 0) >= 1
    assert sum(counts.values()) == data["filtered_table_rows_count"]


def test_a_partial_date_reads_13_1_year_not_stated(datasette):
    found = rows(datasette, "/archive/meetings_browse.json?year=year+not+stated")
    partial = {
        r["when"] for r in found if r["participants"] and "Trần Văn Thanh" in r["participants"]
    }
    assert partial == {"13/1, year not stated"}
    answer = rows(datasette, "/archive/find_who_met_whom.json?a=T%C3%B4+L%C3%A2m&b=China")
    assert "13/1, year not stated" in {r["when"] for r in answer}


def test_article_page_puts_the_linked_sentence_in_focus(datasette):
    [source] = rows(
        datasette,
        "/archive.json?sql="
        + quote(
            "select ms.article_id, ms.evidence_start, ms.evidence_end, ms.evidence "
            "from meeting_sources ms join meetings m on m.id = ms.meeting_id "
            "where m.date = '2017-01-13' and m.kind = 'talks'"
        ),
    )
    span = f"{source['evidence_start']}-{source['evidence_end']}"
    page = html(datasette, f"/archive/articles/{source['article_id']}?span={span}")
    focus = page[page.index('<blockquote class="sentence">') :]
    assert focus[len('<blockquote class="sentence">') :].startswith(source["evidence"][:40])
    assert 'id="focus"' in page and 'class="fact"' in page
    assert "Quách Thanh Côn" in page and "/archive/meetings/" in page


def test_meeting_page_lists_sides_posts_topics_and_sources(datasette):
    [meeting] = rows(datasette, "/archive/meetings.json?date=2017-01-13&kind=talks")
    page = html(datasette, f"/archive/meetings/{meeting['id']}")
    participants = page[page.index("<h2>Participants") : page.index("<h2>Subjects")]
    assert 'CN <span class="en">China</span>' in participants
    assert "Quách Thanh Côn" in participants
    assert "Minister, Ministry of Public Security" in participants
    assert "Counter-terrorism" in page[page.index("<h2>Subjects") : page.index("<h2>Reported")]
    sources = page[page.index("<h2>Reported") :]
    assert "?span=" in sources and "13/1" in sources


def test_organisation_and_topic_pages(datasette):
    organisation = row_id(datasette, "organisations", "name", "Bộ Công an Trung Quốc")
    page = html(datasette, f"/archive/organisations/{organisation}")
    assert "Quách Thanh Côn" in page and "Articles naming it" in page
    topic = row_id(datasette, "topics", "slug", "counter_terrorism")
    page = html(datasette, f"/archive/topics/{topic}")
    assert "Counter-terrorism" in page and "Meetings on this subject" in page


SEARCHES_TYPED = [("ma tuy", "<mark>ma</mark> <mark>túy</mark>"), ("hoà", "<mark>hòa</mark>")]


@pytest.mark.parametrize(("typed", "marked"), SEARCHES_TYPED)
def test_one_search_box_forgives_diacritics_and_keeps_the_spelling(datasette, typed, marked):
    page = html(datasette, f"/-/search?q={quote(typed)}")
    articles = page[page.index("<h2>Articles") : page.index("<h2>Evidence")]
    assert marked in articles.replace("</mark><mark>", "")
    assert 'href="/archive/articles/' in articles


def test_search_ranks_exact_diacritics_first(datasette):
    page = html(datasette, f"/-/search?q={quote('năm')}")
    articles = page[page.index("<h2>Articles") : page.index("<h2>Evidence")]
    exact, accent_free = articles.find("same diacritics"), articles.find("without diacritics")
    assert exact >= 0 and (accent_free == -1 or exact < accent_free)


def test_search_finds_people_by_english_name(datasette):
    page = html(datasette, "/-/search?q=Guo+Shengkun")
    assert "Quách Thanh Côn" in page[page.index("<h2>Names") : page.index("<h2>Articles")]


# Datasette turns on SQLite callback tracebacks: the refusal is also printed (as unraisable)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("function", ["vi_normalise", "vi_fold", "vi_match", "vi_fold_match"])
def test_sql_functions_refuse_text_over_their_limit(datasette, function):
    from archive.datasette.functions import MAX_TEXT

    sql = f"select length({function}(replace(hex(zeroblob(:n)), '00', 'ab')))"
    response = get(datasette, f"/archive.json?sql={quote(sql)}&n={MAX_TEXT // 2}")
    assert response.status_code == 200
    response = get(datasette, f"/archive.json?sql={quote(sql)}&n={MAX_TEXT}")
    assert response.status_code == 400


def test_database_page_lists_questions_and_browsing_before_tables(datasette):
    page = html(datasette, "/archive")
    assert page.index("Questions") < page.index("Browse") < page.index('id="tables"')
    assert "select * from article_credits" not in page and "from meetings_browse" in page


def test_facets_link_to_pages_and_label_in_the_other_language(datasette):
    page = html(datasette, "/archive/meetings_browse?_facet=kind_en")
    facets = page[page.index('<div class="facet-results">') :]
    [topic] = rows(datasette, "/archive/topics.json?slug=counter_terrorism")
    assert f'<span class="en">{topic["name_vi"]}</span>' in facets
    assert 'Talks</a> <span class="en">hội đàm</span>' in facets
    assert f'href="/archive/topics/{topic["id"]}" title="page of Counter-terrorism">→</a>' in facets
    assert "(array)" not in page


def test_accent_free_search_shows_snippets_in_the_original_spelling(datasette):
    found = rows(datasette, f"/archive/search_accent_free.json?q={quote('ma tuy')}")
    assert found and all("⟦ma⟧ ⟦túy⟧" in r["excerpt"] for r in found), found
    page = html(datasette, f"/archive/search_accent_free?q={quote('ma tuy')}")
    assert "<mark>ma</mark> <mark>túy</mark>" in page
