"""Import throughput and peak memory on the dev corpus, against a baseline measured in the
same run: a process that only reads and parses the same files (no extraction, no database).
Prints figures; asserts nothing. Usage: python benchmarks/import_speed.py [COPIES]"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "corpus" / "dev"

BASELINE = """
import sys
from archive.parse import parse_article
from archive.read import iter_source_files, read_source
for path in iter_source_files([sys.argv[1]]):
    parse_article(read_source(path))
"""


def make_corpus(folder: Path, copies: int) -> int:
    count = 0
    for copy in range(copies):
        for source in sorted(DEV.glob("dev_*.txt")):
            text = source.read_text(encoding="utf-8") + "\n" * copy
            (folder / f"{copy:04d}_{source.name}").write_text(text, encoding="utf-8")
            count += 1
    return count


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and the child's peak resident memory (MiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def main(copies: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        files = make_corpus(folder, copies)
        base_s, base_mb = timed([sys.executable, "-c", BASELINE, str(folder)])
        db = Path(tmp) / "bench.db"
        full_s, full_mb = timed(
            [sys.executable, "-m", "archive.cli", "import", str(folder), "--db", str(db)]
        )
        again_s, _ = timed(
            [sys.executable, "-m", "archive.cli", "import", str(folder), "--db", str(db)]
        )
    print(f"files: {files} ({copies} copies of the {files // copies} dev texts)")
    print(f"baseline read+parse: {base_s:.2f}s, {files / base_s:.0f} files/s")
    print(
        f"full import (extract, resolve, load, post-process): {full_s:.2f}s, "
        f"{files / full_s:.0f} files/s, {full_s / base_s:.1f}x the baseline"
    )
    print(f"re-import, all unchanged: {again_s:.2f}s, {again_s / base_s:.1f}x the baseline")
    print(f"peak memory (largest child process): {full_mb:.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
