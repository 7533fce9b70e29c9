"""Issue 10, items 4 and 10: what an import reads. Links lead only within the imported
folder; every file not imported is reported with the reason; web pages are recognised by
their content and imported with trafilatura's main text, title, date and canonical URL (or
refused with a reason); UTF-8 with a few bad bytes is imported, the repair recorded."""

import html
import os
import sqlite3
from pathlib import Path

from .conftest import SEEDS, invoke

SEEDS_BY_NAME = {p.name: p for p in SEEDS.glob("*.txt")}


def seed_parts(name: str) -> tuple[str, str, str]:
    """(url, title, body) of a seed in the URL-and-separators layout."""
    url, _, title, _, body = SEEDS_BY_NAME[name].read_text(encoding="utf-8").split("\n", 4)
    return url.strip(), title.strip(), body.split("\n-----", 1)[0].strip()


def web_page(name: str, date: str, paragraphs: int | None = None) -> str:
    """A news page as a site serves it: scripts, navigation, the article, a footer."""
    url, title, body = seed_parts(name)
    kept = [p for p in body.split("\n") if p.strip()][:paragraphs]
    text = "\n".join(f"<p>{html.escape(p)}</p>" for p in kept)
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)} | VietnamPlus</title>
<link rel="canonical" href="{url}">
<meta property="article:published_time" content="{date}T08:30:00+07:00">
<script>window.dataLayer = []; document.write("<b>tracking</b>");</script>
<style>body {{ font-family: sans-serif }}</style></head>
<body><nav><a href="/">Trang chủ</a> | <a href="/thoi-su">Thời sự</a></nav>
<article><h1>{html.escape(title)}</h1>
{text}
</article><footer>Bản quyền thuộc về TTXVN</footer></body></html>
"""


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_a_link_out_of_the_imported_folder_is_not_read(tmp_path: Path):
    private = tmp_path / "home" / "notes.txt"
    private.parent.mkdir()
    secret = "Mật khẩu của tôi là hoa-sen-42, đừng cho ai biết điều này nhé bạn thân mến."
    private.write_text(secret, encoding="utf-8")
    folder = tmp_path / "incoming"
    folder.mkdir()
    inside = SEEDS_BY_NAME["000_2e5f7d23c231756c.txt"]
    (folder / "article.txt").write_bytes(inside.read_bytes())
    os.symlink(private, folder / "leak.txt")
    os.symlink(folder / "article.txt", folder / "again.txt")  # within: read, the same article
    db = tmp_path / "archive.db"
    result = invoke("import", str(folder), "--db", str(db), expect=1)
    assert result.output.splitlines()[-1] == "1 imported, 0 updated, 1 unchanged, 1 failed"
    assert rows(db, "SELECT file, reason FROM import_errors") == [
        ("incoming/leak.txt", "symbolic link to a file outside the imported folder: not followed")
    ]
    assert not rows(db, "SELECT id FROM articles WHERE raw_text LIKE '%hoa-sen-42%'")
    assert rows(db, "SELECT path FROM article_sources ORDER BY path") == [
        ("again.txt",),
        ("article.txt",),
    ]


def test_every_file_not_imported_is_reported_with_its_reason(tmp_path: Path):
    folder = tmp_path / "incoming"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / "a.bin").write_bytes(bytes(range(256)))
    (folder / "notes.md").write_text("# Ghi chú\n\nViệc cần làm tuần này.\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "article.txt").write_bytes(SEEDS_BY_NAME["000_2e5f7d23c231756c.txt"].read_bytes())
    os.symlink(SEEDS, folder / "more")
    db = tmp_path / "archive.db"
    result = invoke("import", str(folder), "--db", str(db))
    assert (
        result.output.splitlines()[-1] == "1 imported, 0 updated, 0 unchanged, 0 failed, 5 skipped"
    )
    reported = {
        Path(line.split(": ")[1]).name: line.split(": ", 2)[2]
        for line in result.output.splitlines()
        if line.startswith("skipped: ")
    }
    only = "not an article file: only .txt files and HTML pages are read"
    assert reported == {
        ".git": "hidden folder: not searched",
        "more": "link to a folder: not followed",
        ".DS_Store": "hidden file",
        "a.bin": only,
        "notes.md": only,
    }


PAGES = {  # file name: (seed, date, paragraphs kept)
    "page.html": ("001_9c86299ff7976ae4.txt", "2017-01-13", None),
    "saved.txt": ("004_53ed54ac5e852cfd.txt", "2017-01-14", None),
    "download": ("004_53ed54ac5e852cfd.txt", "2017-01-15", 1),
}


def test_web_pages_are_imported_by_content_whatever_their_name(tmp_path: Path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, (seed, date, paragraphs) in PAGES.items():
        (folder / name).write_text(web_page(seed, date, paragraphs), encoding="utf-8")
    db = tmp_path / "archive.db"
    result = invoke("import", str(folder), "--db", str(db))
    assert result.output.splitlines()[-1] == "3 imported, 0 updated, 0 unchanged, 0 failed"
    stored = rows(
        db,
        "SELECT source_path, format, title, url, published_date, date_precision, outlet, body "
        "FROM articles",
    )
    assert len(stored) == 3
    for path, fmt, title, url, date, precision, outlet, body in stored:
        seed, day, paragraphs = PAGES[path.removeprefix("pages/")]
        seed_url, seed_title, seed_body = seed_parts(seed)
        assert (fmt, title, url) == ("html", seed_title, seed_url), path
        assert (date, precision, outlet) == (day, "day", "VietnamPlus"), path
        first = [p for p in seed_body.split("\n") if p.strip()][: paragraphs or 99][-1]
        assert body.split()[-5:] == first.split()[-5:], path
        for furniture in ("tracking", "dataLayer", "Trang chủ", "Bản quyền", "font-family"):
            assert furniture not in body, (path, furniture)
    persons = {name for (name,) in rows(db, "SELECT name FROM persons")}
    assert {"Tô Lâm", "Trần Văn Thanh"} <= persons


def test_a_web_page_without_an_article_is_refused_with_the_reason(tmp_path: Path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "menu.html").write_text(
        "<html><body><nav><a href='/'>Trang chủ</a></nav></body></html>", encoding="utf-8"
    )
    db = tmp_path / "archive.db"
    invoke("import", str(folder), "--db", str(db), expect=1)
    ((file, reason),) = rows(db, "SELECT file, reason FROM import_errors")
    assert file == "pages/menu.html"
    assert reason in (
        "HTML page with no main text that trafilatura could find",
        "no recognisable article: the text has fewer than 8 words or no Vietnamese letters",
    )


def test_utf8_with_a_few_bad_bytes_is_imported_and_the_repair_recorded(tmp_path: Path):
    data = SEEDS_BY_NAME["003_1a329180d67adb47.txt"].read_bytes()
    cut = [data.index(b"\n", n) for n in (400, 900, 1400, 1900)]
    broken = bytearray(data)
    for at in reversed(cut):
        broken[at:at] = b"\xff"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "damaged.txt").write_bytes(bytes(broken))
    db = tmp_path / "archive.db"
    invoke("import", str(folder), "--db", str(db))
    ((encoding, repairs, body),) = rows(db, "SELECT encoding, repairs, body FROM articles")
    assert (encoding, repairs) == ("utf-8", "replaced 4 invalid UTF-8 byte sequences with U+FFFD")
    assert body.count("\ufffd") <= 4 and "Bộ Công an" in body
