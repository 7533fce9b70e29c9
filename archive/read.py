"""Read stage: files and folders → decoded, normalised text, one file at a time."""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ftfy
import ftfy.badness

from archive.vietnamese import normalise

ARTICLE_SUFFIXES = (".txt",)
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


def iter_source_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield article files under ``paths`` in a stable order, lazily."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(ARTICLE_SUFFIXES) and not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path


VIETNAMESE_ONLY = frozenset("ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323")
CONTROL_BYTES = frozenset(range(0, 32)) - {9, 10, 13}
BINARY_CONTROL_SHARE = 0.05


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes: an image, an archive, not text (UTF-16 aside)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(byte in CONTROL_BYTES for byte in sample)
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


def repair_mojibake(text: str) -> tuple[str, list[str]]:
    """UTF-8 that was read as Latin-1/Windows-1252 and saved again ("Bá»™ CÃ´ng"), mended
    line by line so a file where only some lines were mangled is mended too."""
    if not ftfy.badness.is_bad(text):
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
        return _decode_legacy(data)


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
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # a file may grow after stat()
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
