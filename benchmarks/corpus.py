"""Benchmark corpus: N article files made from the real sentences of the seeds and the dev
corpus (read from ``../shared`` at run time, never copied here), deterministic for a seed.

Each source text is read once with the archive's own reader, parser and extractor; the
people, organisations, posts, places and dates it names become slots. An article takes one
source's paragraphs (some dropped), borrows a paragraph or two from another, and fills the
slots: people with names composed from ``archive/data/surnames.yml`` and ``names.yml``
(a skewed draw from a pool that grows with N, so a few recur often and most rarely, as in
a real archive), posts, organisations and places from the knowledge data, and one event
date. It is written in one of the seed layouts. Usage:
``python benchmarks/corpus.py N OUT_DIR [--seed S]``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

import yaml

from archive.extract import extract_facts
from archive.extract.names import looks_like_name, not_a_name
from archive.extract.text import Word
from archive.knowledge import load
from archive.parse import LAYOUTS, ParseError, parse_article
from archive.read import ReadError, SourceText, read_source
from archive.resolve import resolve_facts

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ARCHIVE_SHARED", ROOT.parent / "shared"))
SOURCE_DIRS = (ROOT / "seeds", SHARED / "corpus" / "dev")
NAMES = yaml.safe_load((Path(__file__).parent / "names.yml").read_text(encoding="utf-8"))
FILES_PER_FOLDER = 1000
FIRST_DAY, DAYS = date(2005, 1, 1), 21 * 365

SLOT = re.compile(r"\x00([A-Z])([^\x00]*)\x00")
# A day (or a day range) and month, with an optional year: 13/1, 4-7/1/2012, 28-03-2022.
SLASH_DATE = r"(?<!\d)\d{1,2}(?:-\d{1,2})?/\d{1,2}(?:/\d{4})?(?![\d/])"
DASH_DATE = r"(?<![\d/-])\d{1,2}-\d{1,2}(?:-\d{4})?(?![\d/-])"
DATE = re.compile(f"{SLASH_DATE}|{DASH_DATE}")
YEAR = re.compile(r"(?<!\d)(?:19[5-9]\d|20[0-2]\d)(?!\d)")


def _alternation(forms) -> re.Pattern[str]:
    """Whole-word match of any of ``forms``, the longest first (a plain alternation)."""
    ordered = sorted({f for f in forms if f}, key=lambda f: (-len(f), f))
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")


@dataclass
class Source:
    """One real text with its slots: ``\\x00P3\\x00`` is its fourth person, and so on."""

    name: str
    title: str | None
    paragraphs: list[str]
    persons: list[tuple[str, str | None]]  # (name as written, country)
    organisations: list[tuple[str, str | None]]
    meetings: int


class Knowledge:
    """What slots are filled from: the archive's knowledge data and ``names.yml``."""

    def __init__(self) -> None:
        titles = load("titles")
        self.posts = sorted(set(titles["posts"]) - set(NAMES["posts_left_out"]))
        self.places = sorted(
            form
            for name, record in load("places")["places"].items()
            for form in [name, *record.get("aliases", [])]
        )
        self.organisations: dict[str | None, list[str]] = {}
        for name, record in load("organisations")["organisations"].items():
            forms = self.organisations.setdefault(record.get("country"), [])
            forms.extend(dict.fromkeys([name, *record.get("aliases", [])]))
        self.hosts = sorted(load("outlets")["hosts"])
        self.section_headers = load("boilerplate")["section_headers"]
        self.surnames = sorted(set(load("surnames")) - set(NAMES["surnames_left_out"]))

    @cached_property
    def post_pattern(self) -> re.Pattern[str]:
        return _alternation(self.posts)

    @cached_property
    def place_pattern(self) -> re.Pattern[str]:
        return _alternation(self.places)


def _layout_rest(text: str) -> tuple[str | None, str]:
    """The source's title and the text after its header, page furniture and captions kept."""
    for _name, detect, split in LAYOUTS:
        if detect(text):
            header = split(text)
            return header.title, header.rest
    return None, text


def _slot_source(source: SourceText, knowledge: Knowledge) -> Source | None:
    try:
        parsed = parse_article(source)
    except ParseError:
        return None
    resolved = resolve_facts(extract_facts(parsed))
    facts = resolved.facts
    persons = [(p.surface, resolved.persons[p.name].country) for p in facts.persons]
    person_forms = {}
    for index, person in enumerate(facts.persons):
        for form in (person.surface, person.name, *person.alt_names):
            person_forms.setdefault(form, index)
    organisations = []
    org_forms = {}
    for org in facts.organisations:
        if org.surface not in org_forms:
            record = resolved.organisations.get(org.name)
            org_forms[org.surface] = len(organisations)
            organisations.append((org.surface, record.country if record else None))

    def slotted(part: str) -> str:
        if person_forms:
            part = _alternation(person_forms).sub(lambda m: f"\x00P{person_forms[m[0]]}\x00", part)
        if org_forms:
            part = _alternation(org_forms).sub(lambda m: f"\x00O{org_forms[m[0]]}\x00", part)
        part = knowledge.post_pattern.sub(lambda m: f"\x00T{knowledge.posts.index(m[0])}\x00", part)
        part = knowledge.place_pattern.sub(
            lambda m: f"\x00L{knowledge.places.index(m[0])}\x00", part
        )
        part = DATE.sub(lambda m: f"\x00D{_date_shape(m[0])}\x00", part)
        return YEAR.sub("\x00Y\x00", part)

    title, rest = _layout_rest(source.text)
    paragraphs = [slotted(p.strip()) for p in rest.split("\n") if p.strip()]
    return Source(
        name=Path(source.path).name,
        title=slotted(title) if title else None,
        paragraphs=paragraphs,
        persons=persons,
        organisations=organisations,
        meetings=len(facts.meetings),
    )


def _date_shape(text: str) -> str:
    """How a date was written: ``-`` or ``/``, ``r`` for a day range, ``y`` with a year."""
    separator = "/" if "/" in text else "-"
    day_month = text.split("/") if separator == "/" else text.split("-")
    ranged = separator == "/" and "-" in day_month[0]
    return separator + ("r" if ranged else "") + ("y" if len(day_month) == 3 else "")


def read_sources(knowledge: Knowledge) -> list[Source]:
    """Every usable text of the seeds and the dev corpus, with its slots."""
    sources = []
    for folder in SOURCE_DIRS:
        if not folder.is_dir():
            raise SystemExit(f"error: {folder}: source texts not found (set ARCHIVE_SHARED)")
        for path in sorted(folder.glob("*.txt")):
            try:
                source = _slot_source(read_source(path), knowledge)
            except ReadError:
                continue
            if source and source.paragraphs:
                sources.append(source)
    return sources


class NamePool:
    """People's names by number: number k of a pool always gives the same name."""

    def __init__(self, knowledge: Knowledge, size: int) -> None:
        self.surnames, self.size = knowledge.surnames, size

    def _compose(self, style: str, number: int) -> str:
        rng = random.Random(f"{style}:{number}")
        words = [rng.choice(self.surnames)]
        if style == "CN":
            words += rng.sample(NAMES["chinese_given"], rng.choice((1, 2, 2)))
        else:
            words.append(rng.choice(NAMES["vietnamese_middle"]))
            words += rng.sample(NAMES["vietnamese_given"], rng.choice((1, 1, 1, 2)))
        return " ".join(words)

    def name(self, style: str, number: int) -> str:
        """A name that reads as a person's (not a place or a body); retried until it does."""
        for attempt in range(20):
            name = self._compose(style, number * 20 + attempt)
            words = [Word(w, 0, len(w)) for w in name.split()]
            if looks_like_name(words) and not not_a_name(name):
                return name
        raise ValueError(f"no usable {style} name for {number}")

    def draw(self, rng: random.Random, style: str) -> str:
        """Skewed draw: low numbers come up often (people in the news again and again)."""
        return self.name(style, int(self.size * rng.random() ** 2))


class Generator:
    """Article number i (and its changed variants) as a file's text, for one seed and N."""

    def __init__(self, count: int, seed: int = 1) -> None:
        self.knowledge = Knowledge()
        self.sources = read_sources(self.knowledge)
        self.with_meetings = [s for s in self.sources if s.meetings]
        self.names = NamePool(self.knowledge, max(200, count // 2))
        self.seed = seed

    def article(self, number: int, variant: int = 0) -> str:
        rng = random.Random(f"{self.seed}:{number}:{variant}")
        main = rng.choice(self.with_meetings if rng.random() < 0.8 else self.sources)
        parts = [(main, main.paragraphs[0])]
        parts += [(main, p) for p in main.paragraphs[1:] if rng.random() > 0.2]
        for _ in range(rng.randint(1, 2)):
            other = rng.choice(self.sources)
            parts.insert(rng.randint(1, len(parts)), (other, rng.choice(other.paragraphs)))
        title_source = main if main.title else rng.choice([s for s in self.sources if s.title])
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        filler = _Filler(self, rng, day.replace(day=min(day.day, 28)))
        title = filler.fill(title_source, title_source.title)
        body = [filler.fill(source, paragraph) for source, paragraph in parts]
        return rng.choice(LAYOUTS_OUT)(rng, self.knowledge, number, title, filler.day, body)


class _Filler:
    """Fills the slots of one article: the same source person is the same new person."""

    def __init__(self, generator: Generator, rng: random.Random, day: date) -> None:
        self.generator, self.rng, self.day = generator, rng, day
        self.persons: dict[tuple[str, int], str] = {}
        self.organisations: dict[tuple[str, int], str] = {}

    def fill(self, source: Source, text: str) -> str:
        return SLOT.sub(lambda m: self._slot(source, m[1], m[2]), text)

    def _slot(self, source: Source, kind: str, value: str) -> str:
        rng, knowledge = self.rng, self.generator.knowledge
        if kind == "P":
            return self._person(source, int(value))
        if kind == "O":
            return self._organisation(source, int(value))
        if kind == "T":
            swap = rng.random() < NAMES["swapped_post_share"]
            return rng.choice(knowledge.posts) if swap else knowledge.posts[int(value)]
        if kind == "L":
            return (
                rng.choice(knowledge.places) if rng.random() < 0.5 else knowledge.places[int(value)]
            )
        if kind == "Y":
            return str(self.day.year)
        return _written_date(self.day, value)

    def _person(self, source: Source, index: int) -> str:
        key = (source.name, index)
        if key not in self.persons:
            written, country = source.persons[index]
            if self.rng.random() < NAMES["kept_share"]:
                self.persons[key] = written
            else:
                style = "CN" if country == "CN" else "VN"
                self.persons[key] = self.generator.names.draw(self.rng, style)
        return self.persons[key]

    def _organisation(self, source: Source, index: int) -> str:
        key = (source.name, index)
        if key not in self.organisations:
            written, country = source.organisations[index]
            choices = self.generator.knowledge.organisations.get(country)
            swap = choices and self.rng.random() < NAMES["swapped_organisation_share"]
            self.organisations[key] = self.rng.choice(choices) if swap else written
        return self.organisations[key]


def _written_date(day: date, shape: str) -> str:
    separator, ranged, with_year = shape[0], "r" in shape, "y" in shape
    first = f"{day.day}-{day.day + 3}" if ranged and day.day <= 25 else str(day.day)
    parts = [first, str(day.month)] + ([str(day.year)] if with_year else [])
    return separator.join(parts)


def _url_separated(rng, knowledge, number, title, day, body) -> str:
    host = rng.choice(knowledge.hosts)
    url = f"http://www.{host}/tin-tuc/bai-{number}.html"
    rule = "-" * 17
    return f"{url}\n{rule}\n{title}\n{rule}\n" + "\n".join(body) + "\n"


def _date_prefix(rng, knowledge, number, title, day, body) -> str:
    return f" date {day:%Y-%m} " + "\n\n".join(body) + "\n"


def _titled(rng, knowledge, number, title, day, body) -> str:
    written = f"{day:%d/%m/%Y}" if rng.random() < 0.5 else f"{day:%d-%m-%Y}"
    return f"{title}\n\n{written}\n" + "\n\n".join(body) + "\n"


def _section_titled(rng, knowledge, number, title, day, body) -> str:
    header = rng.choice(knowledge.section_headers)
    return f"{header}\n\n{title}\n\n" + "\n\n".join(body) + "\n"


def _plain(rng, knowledge, number, title, day, body) -> str:
    return "\n\n".join(body) + "\n"


LAYOUTS_OUT = (_url_separated, _date_prefix, _titled, _section_titled, _plain)


def article_path(folder: Path, number: int) -> Path:
    return folder / f"{number // FILES_PER_FOLDER:03d}" / f"{number:06d}.txt"


def write_corpus(folder: Path, count: int, seed: int = 1) -> Generator:
    """Write ``count`` articles under ``folder`` (1,000 to a subfolder); return the generator."""
    generator = Generator(count, seed)
    for number in range(count):
        path = article_path(folder, number)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generator.article(number), encoding="utf-8")
    return generator


def change_files(folder: Path, count: int, share: float) -> dict[Path, str]:
    """Change ``share`` of the ``count`` files (every k-th): each gains the last paragraph of
    the next file. Independent of the generator, so a kept corpus stays the same files
    whatever the archive's version. Return the changed files' texts before the change."""
    step = max(1, round(1 / share))
    originals = {}
    for number in range(0, count, step):
        path = article_path(folder, number)
        originals[path] = path.read_text(encoding="utf-8")
        following = article_path(folder, (number + 1) % count).read_text(encoding="utf-8")
        added = following.strip().split("\n")[-1]
        path.write_text(originals[path] + "\n" + added + "\n", encoding="utf-8")
    return originals


def restore_files(originals: dict[Path, str]) -> None:
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    write_corpus(args.folder, args.count, args.seed)
    print(f"{args.count} articles written under {args.folder}", file=sys.stderr)


if __name__ == "__main__":
    main()
