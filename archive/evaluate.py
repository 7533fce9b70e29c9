"""Score extraction against gold annotations (``../shared/corpus/GUIDELINES.md``).

The texts are imported into a temporary database by the real pipeline and the scores are
computed from what the database holds:
- persons: per article, gold names against the names the archive links to the article,
  compared after NFC, case-folding and tone-mark placement;
- who met whom: per article, unordered pairs of participants of one meeting whose countries
  differ (or are unknown); kind and date are checked on the pairs found; in an off-topic file
  every predicted pair counts against precision;
- country accuracy on the persons found; posts, organisations and topics where gold has them.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from sqlalchemy import Engine, text

from archive.db import make_engine, upgrade_to_head
from archive.extract.lexicon import KNOWN_PEOPLE_SWITCH
from archive.importer import import_paths
from archive.vietnamese import name_key

PAIR_QUERY = """
SELECT ms.meeting_id, mt.kind, mt.date, p.name, ap.surface, mp.side
FROM meeting_sources ms
JOIN meetings mt ON mt.id = ms.meeting_id
JOIN meeting_participants mp ON mp.meeting_id = ms.meeting_id AND mp.article_id = ms.article_id
JOIN persons p ON p.id = mp.person_id
LEFT JOIN article_persons ap ON ap.person_id = p.id AND ap.article_id = ms.article_id
WHERE ms.article_id = :article
"""
PERSON_QUERY = """
SELECT p.name, ap.surface, p.country FROM article_persons ap
JOIN persons p ON p.id = ap.person_id WHERE ap.article_id = :article
"""
POST_QUERY = """
SELECT p.name, pos.title, o.name FROM person_positions pp JOIN persons p ON p.id = pp.person_id
JOIN positions pos ON pos.id = pp.position_id
LEFT JOIN organisations o ON o.id = pos.organisation_id
WHERE pp.article_id = :article
"""
ORG_QUERY = """SELECT o.name FROM article_organisations ao
JOIN organisations o ON o.id = ao.organisation_id WHERE ao.article_id = :article"""
TOPIC_QUERY = """SELECT t.slug FROM article_topics at JOIN topics t ON t.id = at.topic_id
WHERE at.article_id = :article"""


@dataclass
class Tally:
    """True positives, false positives and false negatives, and the scores they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set, predicted: set) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Ratio:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += int(hit)
        self.total += 1

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 1.0


@dataclass
class Scores:
    persons: Tally = field(default_factory=Tally)
    pairs: Tally = field(default_factory=Tally)
    posts: Tally = field(default_factory=Tally)
    organisations: Tally = field(default_factory=Tally)
    topics: Tally = field(default_factory=Tally)
    country: Ratio = field(default_factory=Ratio)
    kind: Ratio = field(default_factory=Ratio)
    date: Ratio = field(default_factory=Ratio)
    off_topic_meetings: int = 0

    def as_dict(self) -> dict:
        result = {
            name: getattr(self, name).as_dict()
            for name in ("persons", "pairs", "posts", "organisations", "topics")
        }
        for name in ("country", "kind", "date"):
            ratio = getattr(self, name)
            result[f"{name}_accuracy"] = {"value": round(ratio.value, 4), "n": ratio.total}
        result["off_topic_meetings"] = self.off_topic_meetings
        return result


def load_gold(path: str | Path) -> list[dict]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _pairs(meetings: dict[object, dict]) -> dict[frozenset, list[tuple[str, str | None]]]:
    """Unordered cross-country pairs → the (kind, date) of each meeting they share."""
    pairs: dict[frozenset, list] = defaultdict(list)
    for meeting in meetings.values():
        for (a, side_a), (b, side_b) in combinations(sorted(meeting["people"].items()), 2):
            if side_a is None or side_b is None or side_a != side_b:
                pairs[frozenset((a, b))].append((meeting["kind"], meeting["date"]))
    return pairs


def _gold_pairs(gold: dict) -> dict[frozenset, list]:
    country = {name_key(p["name"]): p.get("country") for p in gold["persons"]}
    meetings = {
        index: {
            "kind": m["kind"],
            "date": m.get("date"),
            "people": {name_key(n): country.get(name_key(n)) for n in m["participants"]},
        }
        for index, m in enumerate(gold["meetings"])
    }
    return _pairs(meetings)


def gold_spellings(gold: dict) -> dict[str, str]:
    """Every spelling gold accepts (its name and ``alt`` forms) → the gold name's key."""
    table = {}
    for person in gold["persons"]:
        key = name_key(person["name"])
        alts = person.get("alt") or []
        for form in [person["name"], *([alts] if isinstance(alts, str) else alts)]:
            table[name_key(form)] = key
    return table


def _predicted_pairs(conn, article_id: int, spellings: dict[str, str]) -> dict[frozenset, list]:
    meetings: dict[object, dict] = {}
    for meeting_id, kind, date, name, surface, side in conn.execute(
        text(PAIR_QUERY), {"article": article_id}
    ):
        entry = meetings.setdefault(meeting_id, {"kind": kind, "date": date, "people": {}})
        key = name_key(surface or name)
        entry["people"][spellings.get(key, key)] = side
    return _pairs(meetings)


@dataclass
class Misses:
    """What one article got wrong, by class, in readable names."""

    persons_missed: list[str] = field(default_factory=list)
    persons_spurious: list[str] = field(default_factory=list)
    country_wrong: list[str] = field(default_factory=list)
    pairs_missed: list[str] = field(default_factory=list)
    pairs_spurious: list[str] = field(default_factory=list)
    kind_wrong: list[str] = field(default_factory=list)
    date_wrong: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def _pair_label(pair: frozenset, names: dict[str, str]) -> str:
    return " — ".join(sorted(names.get(k, k) for k in pair))


def score_article(conn, article_id: int | None, gold: dict, scores: Scores) -> dict:
    """Add one article's comparison to ``scores``; return its own figures and misses."""
    own, misses = Scores(), Misses()
    spellings = gold_spellings(gold)
    people = conn.execute(text(PERSON_QUERY), {"article": article_id}).all() if article_id else []
    names: dict[str, str] = {name_key(p["name"]): p["name"] for p in gold["persons"]}
    predicted: dict[str, str | None] = {}
    for name, surface, country in people:
        key = name_key(surface or name)
        predicted[spellings.get(key, key)] = country
        names.setdefault(spellings.get(key, key), surface or name)
    gold_people = {name_key(p["name"]): p.get("country") for p in gold["persons"]}
    misses.persons_missed = sorted(names[k] for k in set(gold_people) - set(predicted))
    misses.persons_spurious = sorted(names[k] for k in set(predicted) - set(gold_people))
    misses.country_wrong = sorted(
        f"{names[k]}: {predicted[k]} (gold {gold_people[k]})"
        for k in set(gold_people) & set(predicted)
        if gold_people[k] != predicted[k]
    )
    for target in (own, scores):
        target.persons.add(set(gold_people), set(predicted))
        for key in set(gold_people) & set(predicted):
            target.country.add(gold_people[key] == predicted[key])
    gold_pairs = _gold_pairs(gold)
    predicted_pairs = _predicted_pairs(conn, article_id, spellings) if article_id else {}
    misses.pairs_missed = sorted(
        _pair_label(p, names) for p in set(gold_pairs) - set(predicted_pairs)
    )
    misses.pairs_spurious = sorted(
        _pair_label(p, names) for p in set(predicted_pairs) - set(gold_pairs)
    )
    for target in (own, scores):
        target.pairs.add(set(gold_pairs), set(predicted_pairs))
    for pair in set(gold_pairs) & set(predicted_pairs):
        kinds = {k for k, _ in predicted_pairs[pair]}
        dates = {d for _, d in predicted_pairs[pair]}
        kind_right = any(k in kinds for k, _ in gold_pairs[pair])
        date_right = any(d in dates for _, d in gold_pairs[pair])
        for target in (own, scores):
            target.kind.add(kind_right)
            target.date.add(date_right)
        label = _pair_label(pair, names)
        if not kind_right:
            misses.kind_wrong.append(f"{label}: {sorted(kinds)} (gold {gold_pairs[pair][0][0]})")
        if not date_right:
            got = sorted(str(d) for d in dates)
            misses.date_wrong.append(f"{label}: {got} (gold {gold_pairs[pair][0][1]})")
    misses.kind_wrong.sort()
    misses.date_wrong.sort()
    for target in (own, scores):
        if not gold.get("on_topic", True):
            target.off_topic_meetings += len(predicted_pairs)
    _score_optional(conn, article_id, gold, (own, scores))
    return {**own.as_dict(), "misses": misses.as_dict()}


def _score_optional(conn, article_id, gold: dict, targets) -> None:
    """Posts, organisations and topics, for gold lines that annotate them."""
    queries = {
        "posts": (
            POST_QUERY,
            lambda row: (name_key(row[0]), name_key(row[1]), name_key(row[2] or "")),
        ),
        "organisations": (ORG_QUERY, lambda row: name_key(row[0])),
        "topics": (TOPIC_QUERY, lambda row: row[0]),
    }
    for key, (query, shape) in queries.items():
        if key not in gold:
            continue
        rows = conn.execute(text(query), {"article": article_id}).all() if article_id else []
        predicted = {shape(row) for row in rows}
        wanted = {_gold_item(key, item) for item in gold[key]}
        for target in targets:
            getattr(target, key).add(wanted, predicted)


def _gold_item(key: str, item):
    if key == "posts":
        return (
            name_key(item["person"]),
            name_key(item["title"]),
            name_key(item.get("organisation") or ""),
        )
    return name_key(item) if key == "organisations" else item


def evaluate(gold_path: str | Path, corpus: str | Path, known_people: bool = True) -> dict:
    """Import the gold files' texts into a fresh database and score them; with
    ``known_people=False`` extraction runs without the known-people list."""
    gold_lines = load_gold(gold_path)
    with tempfile.TemporaryDirectory() as tmp, known_people_switch(known_people):
        db = Path(tmp) / "evaluate.db"
        upgrade_to_head(db)
        engine = make_engine(db)
        paths = [Path(corpus) / g["file"] for g in gold_lines]
        import_paths(engine, paths)
        result = _score_all(engine, gold_lines, paths)
        engine.dispose()
    return result


@contextmanager
def known_people_switch(on: bool) -> Iterator[None]:
    """Extraction with the known-people list on or off for the duration."""
    before = os.environ.get(KNOWN_PEOPLE_SWITCH)
    os.environ[KNOWN_PEOPLE_SWITCH] = "on" if on else "off"
    try:
        yield
    finally:
        if before is None:
            del os.environ[KNOWN_PEOPLE_SWITCH]
        else:
            os.environ[KNOWN_PEOPLE_SWITCH] = before


def _score_all(engine: Engine, gold_lines: list[dict], paths: list[Path]) -> dict:
    scores, files = Scores(), {}
    with engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT sha256, id FROM articles")).all())  # one per bytes
        for gold, path in zip(gold_lines, paths, strict=True):
            article_id = ids.get(hashlib.sha256(path.read_bytes()).hexdigest())
            files[gold["file"]] = score_article(conn, article_id, gold, scores)
    return {"overall": scores.as_dict(), "files": files}


def format_report(result: dict) -> str:
    """A plain-text table: one line per file, then the overall figures."""
    lines = [f"{'file':<28} {'persons P/R/F1':>20} {'pairs P/R/F1':>20} {'country':>8}"]
    for name, figures in [*result["files"].items(), ("OVERALL", result["overall"])]:
        p, q = figures["persons"], figures["pairs"]
        lines.append(
            f"{name:<28} {p['precision']:>6.2f} {p['recall']:>6.2f} {p['f1']:>6.2f} "
            f"{q['precision']:>6.2f} {q['recall']:>6.2f} {q['f1']:>6.2f} "
            f"{figures['country_accuracy']['value']:>8.2f}"
        )
    overall = result["overall"]
    kind, date = overall["kind_accuracy"], overall["date_accuracy"]
    lines.append(
        f"meeting kind accuracy {kind['value']:.2f} (n={kind['n']}), "
        f"date accuracy {date['value']:.2f} (n={date['n']}), "
        f"meetings in off-topic files {overall['off_topic_meetings']}"
    )
    lines += _misses_report(result["files"])
    for key in ("posts", "organisations", "topics"):
        tally = overall[key]
        if tally["tp"] + tally["fn"]:
            lines.append(
                f"{key}: P {tally['precision']:.2f} R {tally['recall']:.2f} F1 {tally['f1']:.2f}"
            )
    return "\n".join(lines)


MISS_LABELS = {
    "persons_missed": "person missed",
    "persons_spurious": "person not in gold",
    "country_wrong": "country wrong",
    "pairs_missed": "pair missed",
    "pairs_spurious": "pair not in gold",
    "kind_wrong": "kind wrong",
    "date_wrong": "date wrong",
}


def _misses_report(files: dict[str, dict]) -> list[str]:
    """Every miss, grouped by class, each with its file: a regression shows at once."""
    lines = []
    for key, label in MISS_LABELS.items():
        found = [(name, m) for name, f in files.items() for m in f["misses"].get(key, [])]
        if found:
            lines.append(f"{label} ({len(found)}):")
            lines += [f"  {name}: {miss}" for name, miss in found]
    return lines
