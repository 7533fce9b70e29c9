"""Read stage: files and folders → decoded, normalised text, one file at a time."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

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


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Bytes → (text, encoding, repairs). UTF-8 (with or without BOM) or a BOM-marked UTF-16."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, []
            except UnicodeDecodeError as error:
                reason = f"not valid {encoding} after its byte-order mark: {error}"
                raise ReadError(reason) from None
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.start >= len(data) - 3:
            # Scrapers cut files at a byte count, sometimes inside the last character.
            repair = "dropped a truncated last character"
            return data[: error.start].decode("utf-8"), "utf-8", [repair]
        raise ReadError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


def read_source(path: str | Path) -> SourceText:
    """Read one file; raise :class:`ReadError` naming the reason when it is not usable text."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ReadError(f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit")
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error}") from None
    raw, encoding, repairs = decode(data)
    if "\x00" in raw:
        raise ReadError("file contains NUL characters: binary data, not text")
    text = normalise(raw.replace("\r\n", "\n").replace("\r", "\n"))
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
