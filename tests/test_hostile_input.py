"""Hostile input, each case with real bytes made from the seed articles: bad files are named
in import_errors with a clear reason and skipped, good files in the same run are imported,
the command fails with its summary, and nothing imported before changes."""

import os
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)
import pytest

from archive.read import MAX_FILE_BYTES

from .conftest import SEEDS, invoke
from .test_import import dump

SEED = SEEDS / "000_2e5f7d23c231756c.txt"
TEXT = SEED.read_text(encoding="utf-8")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 8
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 keeps vowel letters precomposed and tone marks as combining characters."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


GOOD = {
    "utf8_bom.txt": b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    "utf16_bom.txt": TEXT.encode("utf-16"),
    "windows1258.txt": cp1258_bytes(TEXT),
    # UTF-8 opened as Windows-1252 (bytes it leaves undefined read as Latin-1) and re-saved
    "mojibake.txt": TEXT.encode("utf-8").decode("sloppy-windows-1252").encode("utf-8"),
    "mojibake_latin1.txt": TEXT.encode("utf-8").decode("latin-1").encode("utf-8"),
    # only the headline mangled (a scraper that re-encoded one field)
    "mojibake_title.txt": (
        TEXT.split("\n", 1)[0].encode("utf-8").decode("sloppy-windows-1252")
        + "\n"
        + TEXT.split("\n", 1)[1]
    ).encode("utf-8"),
    "nfd.txt": unicodedata.normalize("NFD", TEXT).encode("utf-8"),
}
BAD = {
    "empty.txt": (b"", "empty"),
    "whitespace.txt": (b"  \n\t\r\n   \n", "whitespace"),
    "image.txt": (PNG, "binary"),
    "western.txt": ("Café déjà vu, naïve façade, à la carte.".encode("cp1252"), "Windows-1252"),
    "oversize.txt": (TEXT.encode("utf-8") * (MAX_FILE_BYTES // len(TEXT.encode()) + 1), "limit"),
    "navigation.txt": (
        "Tìm kiếm\nTin tức - Sự kiện\nLiên kết website\nTop\n".encode(),
        "no article",
    ),
    "no_layout.txt": (b"0001 0002 0003\n0004 0005\n", "no recognisable article"),
}


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name, data in GOOD.items():
        (folder / name).write_bytes(data)
    for name, (data, _reason) in BAD.items():
        (folder / name).write_bytes(data)
    os.symlink(folder / "loop_b.txt", folder / "loop_a.txt")
    os.symlink(folder / "loop_a.txt", folder / "loop_b.txt")
    os.symlink(folder / "gone.txt", folder / "dangling.txt")
    os.mkfifo(folder / "pipe.txt")
    # A link out of the imported folder is not followed (issue 10); read through a link the
    # operator names, /proc/self/mem is a regular file whose read fails with EIO (below).
    os.symlink("/proc/self/mem", folder / "unreadable.txt")
    os.symlink(folder, folder / "self")  # a directory loop: never followed
    return folder


def errors(db) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return {Path(f).name: r for f, r in conn.execute("SELECT file, reason FROM import_errors")}


def test_hostile_files_are_logged_and_good_ones_imported(hostile_folder, db_path):
    result = invoke("import", str(hostile_folder), "--db", str(db_path), expect=1)
    bad_count = len(BAD) + 5  # two looping links, a dangling link, a pipe, a link outside
    assert f"{len(GOOD)} imported, 0 updated, 0 unchanged, {bad_count} failed" in result.output
    logged = errors(db_path)
    for name, (_data, reason) in BAD.items():
        assert reason.lower() in logged[name].lower(), (name, logged[name])
    assert "symbolic links" in logged["loop_a.txt"]
    assert "No such file" in logged["dangling.txt"]
    assert "not a regular file" in logged["pipe.txt"]
    assert "outside the imported folder" in logged["unreadable.txt"]
    assert len(logged) == bad_count  # nothing twice through the directory loop
    assert "skipped: " in result.output and "self: link to a folder" in result.output


def test_a_file_whose_read_fails_with_an_io_error_is_named(tmp_path, db_path):
    """Unreadable even for root (CI runs as root, so chmod 000 stops nobody there): a regular
    file whose read fails with EIO, named on the command line (so its link is followed)."""
    os.symlink("/proc/self/mem", tmp_path / "unreadable.txt")
    result = invoke("import", str(tmp_path / "unreadable.txt"), "--db", str(db_path), expect=1)
    assert "0 imported, 0 updated, 0 unchanged, 1 failed" in result.output
    assert "Input/output error" in errors(db_path)["unreadable.txt"]


def test_decoded_variants_store_the_same_text_and_say_what_was_repaired(hostile_folder, db_path):
    invoke("import", str(hostile_folder), "--db", str(db_path), expect=1)
    invoke("import", str(SEED), "--db", str(db_path))
    with sqlite3.connect(db_path) as conn:
        stored = {
            Path(p).name: (body, enc, rep)
            for p, body, enc, rep in conn.execute(
                "SELECT source_path, body, encoding, repairs FROM articles"
            )
        }
    original = stored[SEED.name][0]
    for name in GOOD:
        assert stored[name][0] == original, name
    assert stored["utf16_bom.txt"][1] == "utf-16"
    assert stored["windows1258.txt"][1] == "cp1258"
    assert "Windows-1258" in stored["windows1258.txt"][2]
    for name in ("mojibake.txt", "mojibake_latin1.txt", "mojibake_title.txt"):
        assert "mojibake" in stored[name][2], name
    assert "NFD" in stored["nfd.txt"][2]


def unprivileged(command: list[str]) -> list[str]:
    """As root, drop the capabilities that let root ignore permission bits (setpriv is in
    util-linux, on every Debian); otherwise run as is."""
    if os.geteuid() != 0:
        return command
    drop = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={drop}", f"--inh-caps={drop}", *command]


def test_chmod_000_file_is_named_and_the_rest_imported(tmp_path, db_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "readable.txt").write_bytes(TEXT.encode())
    (folder / "secret.txt").write_bytes(TEXT.encode())
    (folder / "secret.txt").chmod(0)
    command = [sys.executable, "-m", "archive.cli", "import", str(folder), "--db", str(db_path)]
    result = subprocess.run(unprivileged(command), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "1 imported, 0 updated, 0 unchanged, 1 failed" in result.stdout
    assert "Permission denied" in errors(db_path)["secret.txt"]


def test_a_bug_met_on_one_file_is_logged_and_the_others_imported(seeds_copy, db_path, monkeypatch):
    from archive import pipeline

    real = pipeline.extract_facts  # forked workers inherit the patched stage

    def broken_on_one(article):
        if "Thượng tướng Tô Lâm" in article.body:
            raise IndexError("list index out of range")
        return real(article)

    broken = {p.name for p in seeds_copy.iterdir() if "Thượng tướng Tô Lâm" in p.read_text()}
    monkeypatch.setattr(pipeline, "extract_facts", broken_on_one)
    result = invoke("import", str(seeds_copy), "--db", str(db_path), expect=1)
    logged = errors(db_path)
    assert set(logged) == broken and f"{5 - len(broken)} imported" in result.output
    for reason in logged.values():
        assert reason == "internal error in extraction (IndexError: list index out of range)"


def test_over_long_path_is_refused_on_every_back_end(tmp_path, db_path):
    deep = tmp_path.joinpath(*["d" * 250] * 5)
    deep.mkdir(parents=True)
    (deep / "article.txt").write_bytes(TEXT.encode())
    (tmp_path / "short.txt").write_bytes(TEXT.encode())
    result = invoke("import", str(tmp_path), "--db", str(db_path), expect=1)
    assert "1 imported, 0 updated, 0 unchanged, 1 failed" in result.output
    ((name, reason),) = errors(db_path).items()
    assert name == "article.txt" and "over the 1024-character limit" in reason


def test_nothing_already_imported_changes(hostile_folder, seeds_copy, db_path):
    invoke("import", str(seeds_copy), "--db", str(db_path))
    before = dump(db_path)
    for name in ("000_2e5f7d23c231756c.txt", "003_1a329180d67adb47.txt"):
        (seeds_copy / name).write_bytes(PNG)  # the same files, now broken
    invoke("import", str(seeds_copy), "--db", str(db_path), expect=1)
    assert dump(db_path) == before
