"""Web pages: main text, title, date and canonical URL by trafilatura, then the same body
cleaning as text files. A page is recognised by its content (``read.looks_like_html``),
whatever its file name."""

from __future__ import annotations

from archive.parse.dates import PartialDate
from archive.vietnamese import normalise


class HtmlPage:
    """What trafilatura finds in a page (all text normalised like stored text)."""

    def __init__(self, html: str):
        import trafilatura  # on the first page: an import that reads no page never loads it

        document = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
        )
        self.text = normalise(document.text or "") if document is not None else ""
        self.title = normalise(document.title) if document is not None and document.title else None
        self.url = document.url if document is not None else None
        date = document.date if document is not None else None
        self.date = PartialDate.from_iso(date) if date else None

    @property
    def body(self) -> str:
        """The main text without the headline trafilatura repeats as its first line."""
        first, _, rest = self.text.partition("\n")
        return rest if self.title and first.strip() == self.title.strip() else self.text
