"""Unchanged files recognised at import without parsing them, most without opening them.

One lookup at the start of a run gives every known source of the imported folders: its
article's checksum and the file's stat (size and modification time in nanoseconds) when
those bytes were read (two narrow reads, never an article's wide row). A file whose stat
is the recorded one is unchanged without being opened. That is what rsync and make assume:
a file rewritten with the same size and the same modification time (by a tool that sets
times back, or within one timestamp tick) is taken as unchanged; ``archive import
--checksum`` reads and hashes every file instead. A file whose stat differs is read and
hashed: its recorded checksum means it was only touched (its new stat is recorded),
anything else means it is prepared again, unless an article of those bytes is stored (as
another file's: a moved or copied folder, whose files are all new paths). The checksums of
the stored articles are read at the start too; a file at a new path is hashed when there
are any, and one whose bytes are stored already is pointed at that article, not prepared.

A stat is recorded only when the file's modification time lies ``RACY_SECONDS`` or more
before the run began. A file written while (or just before) an import reads it could be
written again within the same timestamp tick, keeping its stat: git calls such index
entries "racily clean". Its stat is left unknown, so the next run reads it again and
records the stat once it is old enough. Two seconds cover the coarsest timestamps in
common use (FAT's) and a kernel clock a tick behind the run's.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_mode
import time
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Engine, select, update

from archive import models as m
from archive.load import PIPELINE_VERSION
from archive.read import MAX_FILE_BYTES
from archive.sources import FileStat, writing

RACY_SECONDS = 2


# (source row id, its article's checksum, the file's size and mtime_ns then or None)
KnownSource = tuple[int, str, int | None, int | None]


def known_sources(
    engine: Engine, root_ids: list[int]
) -> tuple[dict[int, dict[str, KnownSource]], set[bytes]]:
    """root → path in the root → every source of these roots whose article this pipeline
    version read; and the checksums (as bytes) of every article this pipeline version read.
    Two narrow reads (an index of the articles' checksums, the sources) joined here: no
    article's wide row is read, so a cold cache costs little."""
    article, source = m.Article, m.ArticleSource
    current = select(article.id, article.sha256).where(article.pipeline_version == PIPELINE_VERSION)
    sources = select(
        source.root_id, source.path, source.id, source.article_id, source.size, source.mtime_ns
    ).where(source.root_id.in_(root_ids))
    known: dict[int, dict[str, KnownSource]] = {root: {} for root in root_ids}
    with engine.connect() as connection:
        checksums = dict(connection.execute(current).all())
        for root, path, row_id, article_id, size, mtime_ns in connection.execute(sources).all():
            if (sha256 := checksums.get(article_id)) is not None:
                known[root][path] = (row_id, sha256, size, mtime_ns)
    return known, {bytes.fromhex(sha256) for sha256 in checksums.values()}


def file_digest(path: str | Path) -> str | None:
    """The checksum ``read_source`` would give the file's bytes, or None when the file is
    not a regular file within the size limit or cannot be read (reading it says why)."""
    try:
        info = os.stat(path)
        if not stat_mode.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


class Check(NamedTuple):
    """What is known of a file before preparing it: its bytes are the ones stored at its
    place (``unchanged``), or those of an article stored elsewhere (``stored``: their
    checksum; a moved or copied file), and the stat to record with its source."""

    unchanged: bool
    stat: FileStat | None
    stored: str | None = None


class UnchangedFiles:
    """Which files of a run are stored already at their place, and the stats to record.
    ``checksum``: hash every file, whatever its stat."""

    def __init__(self, engine: Engine, root_ids: list[int], checksum: bool = False):
        self.trusted_before = time.time_ns() - RACY_SECONDS * 10**9
        self.known, self.stored = known_sources(engine, root_ids)
        self.checksum = checksum
        self.stats: dict[int, FileStat | None] = {}  # source id → stat to record

    def trusted(self, stat: FileStat | None) -> FileStat | None:
        """The stat to record for a file read now: None when too recent to trust."""
        return stat if stat is not None and stat[1] < self.trusted_before else None

    def check(self, root_id: int, path_in_root: str, file: str) -> Check:
        """Whether ``file`` holds the bytes stored for it (by its stat alone when that is the
        recorded one, else by its checksum, recording its new stat) or those of an article
        stored elsewhere, and the stat to record if it is stored again (taken before reading
        it: a later change shows in the next run)."""
        try:
            info = os.stat(file)
        except OSError:
            return Check(False, None)
        if not stat_mode.S_ISREG(info.st_mode):
            return Check(False, None)
        stat = (info.st_size, info.st_mtime_ns)
        known = self.known[root_id].get(path_in_root)
        if known is None:
            return self._elsewhere(file, None, self.trusted(stat))
        row_id, sha256, size, mtime_ns = known
        if mtime_ns == stat[1] and size == stat[0] and not self.checksum:
            return Check(True, stat)
        trusted = self.trusted(stat)
        digest = file_digest(file)
        if digest != sha256:
            return self._elsewhere(file, digest, trusted)
        if trusted != (None if mtime_ns is None else (size, mtime_ns)):
            self.stats[row_id] = trusted
        return Check(True, trusted)

    def _elsewhere(self, file: str, digest: str | None, stat: FileStat | None) -> Check:
        """``file`` (its checksum ``digest`` if read already) is not stored at its place:
        its checksum if an article of those bytes is stored (read only when some are)."""
        if self.stored and digest is None:
            digest = file_digest(file)
        if digest is not None and bytes.fromhex(digest) in self.stored:
            return Check(False, stat, digest)
        return Check(False, stat)

    def record(self, engine: Engine) -> None:
        """Store the new stats of files found touched but unchanged (one statement)."""
        if not self.stats:
            return
        rows = [
            {"id": row_id, "size": stat[0] if stat else None, "mtime_ns": stat[1] if stat else None}
            for row_id, stat in self.stats.items()
        ]
        with writing(engine) as session:
            session.execute(update(m.ArticleSource), rows)
        self.stats = {}
