"""The text helpers of the served pages: article text with overlapping fact spans marked
and one sentence in focus, and accent-free snippets shown in the original spelling."""

import html
import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from archive.datasette.marking import Span, mark, sentence_around
from archive.datasette.snippets import marked_snippet

TAG = re.compile(r"<[^>]*>")


@given(
    st.text(max_size=60),
    st.lists(st.tuples(st.integers(0, 70), st.integers(0, 70)), max_size=6),
    st.one_of(st.none(), st.tuples(st.integers(0, 70), st.integers(0, 70))),
)
def test_marking_keeps_the_text_and_never_nests_badly(text, bounds, focus):
    spans = [Span(a, b, f"fact-{i}") for i, (a, b) in enumerate(bounds)]
    focus = tuple(sorted(focus)) if focus else None
    marked = str(mark(text, spans, focus))
    assert html.unescape(TAG.sub("", marked)) == text
    opened = re.findall(r"<(/?)(mark|span)\b", marked)
    depth = 0
    for closing, _ in opened:
        depth += -1 if closing else 1
        assert 0 <= depth <= 2
    assert depth == 0 and marked.count('id="focus"') <= 1


def test_overlapping_spans_and_the_focus_sentence():
    text = "Ông Tô Lâm hội đàm với Bộ trưởng Quách Thanh Côn. Hai bên nhất trí."
    sentence = "Ông Tô Lâm hội đàm với Bộ trưởng Quách Thanh Côn."
    focus = sentence_around(text, sentence, 11, 18)
    assert focus == (0, len(sentence))
    marked = str(mark(text, [Span(4, 10, "fact-1"), Span(11, 18, "fact-2"), Span(0, 10)], focus))
    assert marked.startswith('<span class="focus" id="focus"><mark class="fact">Ông </mark>')
    assert '<mark class="fact" id="fact-2">hội đàm</mark>' in marked
    assert marked.endswith(" Hai bên nhất trí.")


def test_a_sentence_not_around_the_span_falls_back_to_the_span():
    assert sentence_around("abc def", "zzz", 4, 7) == (4, 7)


def test_accent_free_snippet_marks_the_original_spelling():
    text = "Các đơn vị phòng, chống tội phạm ma túy và mua bán người."
    assert "⟦ma⟧ ⟦túy⟧" in marked_snippet(text, "ma tuy")
    decomposed = unicodedata.normalize("NFD", text)  # folding changes its length
    snippet = marked_snippet(decomposed, "MA TUY")
    assert f"⟦ma⟧ ⟦{unicodedata.normalize('NFD', 'túy')}⟧" in snippet


def test_snippet_window_is_cut_at_words():
    words = " ".join(f"từ{i}" for i in range(200))
    text = words + " ma túy " + words
    snippet = marked_snippet(text, "ma tuy", width=80)
    assert snippet.startswith("…từ") and snippet.endswith("…") and "⟦ma⟧ ⟦túy⟧" in snippet
    assert len(snippet) <= 90
