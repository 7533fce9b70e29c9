"""Read stage: files and folders → decoded, normalised text, one file at a time."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import ftfy
import ftfy.badness

from archive.vietnamese import normalise

ARTICLE_SUFFIXES = (".txt",)  # and HTML pages, recognised by their content
MAX_FILE_BYTES = 5 * 1024 * 1024
BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


class ReadError(Exception):
    """A file that cannot be turned into article text; the message says why."""


@dataclass(frozen=True)
class SourceText:
    """One input file as text: ``raw`` as decoded, ``text`` normalised for storage."""

    path: str
    sha256: str
    raw: str
    text: str
    encoding: str
    repairs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FoundFile:
    """A file met while scanning the paths to import: where it lies (``name``, as scanned),
    and why it is not imported (``skip``: not an article file; ``refuse``: an article file
    that must not be read, a failure) or neither."""

    name: str
    root: Path  # the imported folder (a given file's own folder), as a real path
    relative: str  # the path within ``root``, with ``/`` separators
    skip: str | None = None
    refuse: str | None = None

    @cached_property
    def path(self) -> Path:  # made when asked for: an unchanged file never needs it
        return Path(self.name)


def import_root(given: str | Path) -> Path:
    """The real path of the folder a given path is imported from."""
    path = Path(given)
    return path.resolve() if path.is_dir() else Path(os.path.abspath(path)).parent.resolve()


def scan(paths: Iterable[str | Path]) -> Iterator[FoundFile]:
    """Every file under ``paths`` in a stable order, lazily, each classified. Links are read
    only when they lead to a file within the imported folder; links to folders and hidden
    folders are not searched (reported once)."""
    for given in paths:
        path = Path(given)
        root = import_root(path)
        if path.is_dir():
            yield from _scan_folder(path, root)
        else:  # a file the operator named is read even through a link
            yield FoundFile(str(path), root, path.name)


def _scan_folder(folder: Path, root: Path, prefix: str = "") -> Iterator[FoundFile]:
    """One folder's links to folders and hidden folders, its files, then its subfolders', in
    name order (as ``os.walk`` goes); ``prefix``: the folder's path within the import."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:  # an unreadable folder is passed over, as os.walk does
        return
    folders = [entry for entry in entries if _is_folder(entry)]
    searched = []
    for entry in folders:
        relative = prefix + entry.name
        if entry.is_symlink():
            yield FoundFile(entry.path, root, relative, skip="link to a folder: not followed")
        elif entry.name.startswith("."):
            yield FoundFile(entry.path, root, relative, skip="hidden folder: not searched")
        else:
            searched.append(entry)
    for entry in entries:
        if not _is_folder(entry):
            yield _classify(entry, root, prefix + entry.name)
    for entry in searched:
        yield from _scan_folder(Path(entry.path), root, prefix + entry.name + "/")


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _classify(entry: os.DirEntry, root: Path, relative: str) -> FoundFile:
    """A file met in a folder (the scan's entry: no system call for its name or link)."""
    path = entry.path
    if entry.name.startswith("."):
        return FoundFile(path, root, relative, skip="hidden file")
    if entry.is_symlink() and not _within(Path(os.path.realpath(path)), root):
        reason = "symbolic link to a file outside the imported folder: not followed"
        return FoundFile(path, root, relative, refuse=reason)
    if entry.name.endswith(ARTICLE_SUFFIXES):
        return FoundFile(path, root, relative)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return FoundFile(path, root, relative, skip="not a regular file")
        with open(path, "rb") as handle:
            head = handle.read(HTML_SNIFF_BYTES)
    except OSError as error:
        return FoundFile(path, root, relative, skip=f"cannot read it: {error.strerror or error}")
    if looks_like_html(head.decode("utf-8", "replace")):
        return FoundFile(path, root, relative)
    return FoundFile(
        path, root, relative, skip="not an article file: only .txt files and HTML pages are read"
    )


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def iter_source_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The article files under ``paths`` (those :func:`scan` would read), lazily."""
    return (found.path for found in scan(paths) if not (found.skip or found.refuse))


HTML_SNIFF_BYTES = 4096
HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """A web page: its first non-blank character opens a tag, and an ``<html>``, ``<head>``,
    ``<body>`` or doctype tag comes within the first few kilobytes."""
    head = text[:HTML_SNIFF_BYTES].lstrip("\ufeff \t\r\n")
    return head.startswith("<") and HTML_START.search(head) is not None


VIETNAMESE_ONLY = frozenset("ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323")
CONTROL_BYTES = bytes(sorted(frozenset(range(0, 32)) - {9, 10, 13}))
BINARY_CONTROL_SHARE = 0.05


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes: an image, an archive, not text (UTF-16 aside)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return bool(sample) and controls / len(sample) > BINARY_CONTROL_SHARE


def _decode_legacy(data: bytes) -> tuple[str, str, list[str]]:
    """Windows-1258 (Vietnamese) is accepted; anything else single-byte is refused."""
    text = data.decode("cp1258", errors="replace")
    if "\ufffd" not in text and VIETNAMESE_ONLY & set(text):
        return text, "cp1258", ["decoded as Windows-1258 (not UTF-8)"]
    raise ReadError(
        "not UTF-8 text, nor Vietnamese Windows-1258: a Western single-byte "
        "encoding such as Windows-1252 cannot hold Vietnamese; save it as UTF-8"
    )


def _mojibake_pair() -> re.Pattern[str]:
    """A UTF-8 lead byte then a continuation byte, both read as Latin-1/Windows-1252: text
    without such a pair holds no mojibake of that kind (and is not handed to ftfy)."""
    windows = bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")
    return re.compile(f"[\u00c2-\u00f4][\u0080-\u00bf{re.escape(windows)}]")


MOJIBAKE_PAIR = _mojibake_pair()


def repair_mojibake(text: str) -> tuple[str, list[str]]:
    """UTF-8 that was read as Latin-1/Windows-1252 and saved again ("Bá»™ CÃ´ng"), mended
    line by line so a file where only some lines were mangled is mended too."""
    if not MOJIBAKE_PAIR.search(text) or not ftfy.badness.is_bad(text):
        return text, []
    lines = text.splitlines(keepends=True)
    fixed = "".join(
        ftfy.fix_encoding(line) if ftfy.badness.is_bad(line) else line for line in lines
    )
    if fixed == text:
        return text, []
    return fixed, ["repaired mojibake (UTF-8 read as Windows-1252)"]


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Bytes → (text, encoding, repairs): UTF-8 with or without BOM, UTF-16 with BOM,
    Vietnamese Windows-1258; a clear ReadError otherwise."""
    if looks_binary(data):
        raise ReadError("binary data (NUL or control bytes), not a text file")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                reason = f"not valid {encoding} after its byte-order mark: {error}"
                raise ReadError(reason) from None
            return _after_decoding(text, encoding, [])
    try:
        return _after_decoding(data.decode("utf-8"), "utf-8", [])
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.start >= len(data) - 3:
            # Scrapers cut files at a byte count, sometimes inside the last character.
            repair = "dropped a truncated last character"
            return _after_decoding(data[: error.start].decode("utf-8"), "utf-8", [repair])
        return _mostly_utf8(data) or _decode_legacy(data)


REPLACEMENT = "\ufffd"
VALID_PER_INVALID = 20


def _mostly_utf8(data: bytes) -> tuple[str, str, list[str]] | None:
    """UTF-8 with a few bad bytes (a bad copy, a cut in the middle of a character): the bad
    bytes become U+FFFD and the repair is recorded. A single-byte encoding gives far more
    undecodable sequences than decodable non-ASCII characters, and is left to the caller."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count(REPLACEMENT) - data.count(REPLACEMENT.encode("utf-8"))
    decoded = sum(1 for char in text if ord(char) > 127) - text.count(REPLACEMENT)
    if decoded < VALID_PER_INVALID * invalid:
        return None
    plural = "s" if invalid > 1 else ""
    repair = f"replaced {invalid} invalid UTF-8 byte sequence{plural} with U+FFFD"
    return _after_decoding(text, "utf-8", [repair])


def _after_decoding(text: str, encoding: str, repairs: list[str]) -> tuple[str, str, list[str]]:
    if not unicodedata.is_normalized("NFC", text):
        repairs = [*repairs, "normalised decomposed (NFD) text to NFC"]
    return text, encoding, repairs


def _check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ReadError(f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit")


def read_source(path: str | Path) -> SourceText:
    """Read one file; raise :class:`ReadError` naming the reason when it is not usable text."""
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ReadError("not a regular file (a directory, pipe or device)")
        _check_size(info.st_size)
        with path.open("rb") as handle:  # the size stat() gave and a byte more (a buffer
            data = handle.read(info.st_size + 1)  # of the whole limit is dear to allocate)
            if len(data) > info.st_size:  # it grew after stat(): read on, to the limit
                data += handle.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error}") from None
    _check_size(len(data))
    raw, encoding, repairs = decode(data)
    if "\x00" in raw:
        raise ReadError("file contains NUL characters: binary data, not text")
    repaired, mojibake = repair_mojibake(raw)
    repairs = repairs + mojibake
    text = normalise(repaired.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise ReadError("file is empty or holds only whitespace")
    return SourceText(
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        raw=raw,
        text=text,
        encoding=encoding,
        repairs=repairs,
    )
