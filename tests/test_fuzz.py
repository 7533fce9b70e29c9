"""Property tests (hypothesis) over reading, parsing and extraction: arbitrary input never
raises anything but the two handled errors, and every evidence span slices its text to the
mention, inside the evidence sentence."""

import sqlite3
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.db import make_engine, upgrade_to_head
from archive.extract import extract_facts, segments
from archive.importer import import_file
from archive.models import Base
from archive.parse import ParseError, parse_article
from archive.read import ReadError, SourceText, decode
from archive.resolve import resolve_facts
from archive.vietnamese import normalise

from .conftest import DEV_CORPUS, SEEDS, invoke

SEED_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
SEED_WORDS = SEED_TEXT.split()
VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
ALPHABET = VIETNAMESE + "0123456789 .,;:!?-–/()\"“”'\n\t*|•" + "\u0300\u0301\u0309\u0303\u0323"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like the corpus: seed words and fragments in random order and shapes.
seed_like = st.lists(
    st.one_of(
        st.sampled_from(SEED_WORDS),
        st.sampled_from(
            [
                ".",
                ",",
                ";",
                "\n",
                "\n\n",
                "-----------------",
                "(Ảnh: Trí Dũng/TTXVN)",
                " date 2024-08",
                "Ngày 5/1",
                "hai đồng chí Bộ trưởng",
                "Về phía",
                "do",
                "dẫn đầu",
                "ông",
                "Theo TTXVN",
            ]
        ),
    ),
    min_size=0,
    max_size=120,
).map(" ".join)
SENTENCES = [s.strip() + "." for s in SEED_TEXT.replace("\n", " ").split(". ") if s.strip()]
# Real sentences reshuffled, joined by spaces or line breaks, cut anywhere.
seed_sentences = st.tuples(
    st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=10),
    st.sampled_from([" ", "\n", "\n\n"]),
    st.integers(min_value=0, max_value=4000),
).map(lambda parts: parts[1].join(parts[0])[: parts[2] or None])
any_text = st.one_of(st.text(alphabet=ALPHABET, max_size=600), seed_like, seed_sentences)


def source(text: str) -> SourceText:
    return SourceText(path="fuzz.txt", sha256="", raw=text, text=normalise(text), encoding="utf-8")


@FUZZ
@given(st.binary(max_size=2000))
def test_decoding_arbitrary_bytes_only_raises_read_error(data):
    try:
        text, _encoding, _repairs = decode(data)
    except ReadError:
        return
    assert isinstance(text, str)


@FUZZ
@given(any_text)
def test_normalisation_is_idempotent_and_nfc(text):
    once = normalise(text)
    assert normalise(once) == once
    assert unicodedata.is_normalized("NFC", once)


@FUZZ
@given(any_text)
def test_parsing_and_extraction_never_fail_and_spans_slice_their_text(text):
    try:
        article = parse_article(source(text))
    except ParseError:
        return
    facts = resolve_facts(extract_facts(article)).facts
    fields = {segment.field: segment.text for segment in segments(article)}
    spans = [p.span for p in facts.persons]
    spans += [post.span for p in facts.persons for post in p.posts]
    spans += [o.span for o in facts.organisations] + [t.span for t in facts.topics]
    spans += [m.span for m in facts.meetings]
    for span in spans:
        field_text = fields[span.field]
        mention = field_text[span.start : span.end]
        assert mention and mention in span.sentence and span.sentence in field_text
    for meeting in facts.meetings:
        assert len({p.name for p in meeting.participants}) >= 2


# --- stored spans: what a reader of the database checks ---


def span_tables() -> list[str]:
    return sorted(t.name for t in Base.metadata.sorted_tables if "evidence_start" in t.columns)


def inside_its_sentence(text: str, start: int, end: int, sentence: str) -> bool:
    """``text[start:end]`` is not empty and lies within an occurrence of ``sentence``."""
    if not text[start:end]:
        return False
    at = text.find(sentence)
    while 0 <= at <= start:
        if at + len(sentence) >= end:
            return True
        at = text.find(sentence, at + 1)
    return False


def bad_stored_spans(db: Path) -> list[tuple]:
    """Every stored fact whose span does not slice its article's field to the mention (its
    ``surface``, where the table keeps one) within its evidence sentence, over every table
    with evidence columns."""
    bad = []
    with sqlite3.connect(db) as conn:
        texts = {
            i: {"body": b, "title": t or "", "captions": c or ""}
            for i, b, t, c in conn.execute("SELECT id, body, title, captions FROM articles")
        }
        for table in span_tables():
            surface = "surface" if "surface" in Base.metadata.tables[table].columns else "NULL"
            for row in conn.execute(
                f"SELECT article_id, evidence_field, evidence_start, evidence_end, evidence, "
                f"{surface} FROM [{table}] WHERE evidence_start IS NOT NULL"
            ):
                article_id, field, start, end, sentence, mention = row
                text = texts[article_id][field]
                if not inside_its_sentence(text, start, end, sentence) or mention not in (
                    None,
                    text[start:end],
                ):
                    bad.append((table, *row))
    return bad


def test_every_stored_span_slices_its_text_in_the_seeds_and_dev_corpus(built_db, tmp_path):
    dev = tmp_path / "dev.db"
    invoke("import", str(DEV_CORPUS), "--db", str(dev))
    for db in (built_db, dev):
        with sqlite3.connect(db) as conn:
            stored = sum(
                conn.execute(
                    f"SELECT count(*) FROM [{t}] WHERE evidence_start IS NOT NULL"
                ).fetchone()[0]
                for t in span_tables()
            )
        assert stored > 100 and bad_stored_spans(db) == [], db


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory) -> tuple[Path, object]:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    upgrade_to_head(path)
    engine = make_engine(path)
    yield path, engine
    engine.dispose()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(seed_like, seed_sentences))
def test_imported_text_stores_spans_that_slice_its_text(fuzz_db, tmp_path_factory, text):
    """Through the whole pipeline into the database: stored spans slice the stored text."""
    db, engine = fuzz_db
    path = tmp_path_factory.mktemp("text") / "article.txt"
    path.write_text(text, encoding="utf-8")
    try:
        import_file(engine, path)
    except (ReadError, ParseError):
        return
    assert bad_stored_spans(db) == []
