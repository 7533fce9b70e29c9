"""Property tests (hypothesis) over reading, parsing and extraction: arbitrary input never
raises anything but the two handled errors, and every evidence span slices its text to the
mention, inside the evidence sentence."""

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.extract import extract_facts, segments
from archive.parse import ParseError, parse_article
from archive.read import ReadError, SourceText, decode
from archive.resolve import resolve_facts
from archive.vietnamese import normalise

from .conftest import SEEDS

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
