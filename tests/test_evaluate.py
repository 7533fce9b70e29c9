"""Extraction quality on real articles, scored as GUIDELINES.md describes (`archive evaluate`)."""

import json

import pytest

from archive.evaluate import Tally, evaluate

from .conftest import DEV_CORPUS, GOLD_DIR, SEEDS, invoke

DEV_GOLD = DEV_CORPUS / "gold.jsonl"


@pytest.fixture(scope="module")
def seeds_scores():
    return evaluate(GOLD_DIR / "seeds_gold.jsonl", SEEDS)["overall"]


@pytest.fixture(scope="module")
def dev_scores():
    return evaluate(DEV_GOLD, DEV_CORPUS)


def test_seed_persons_and_pairs_meet_targets(seeds_scores):
    assert seeds_scores["persons"]["f1"] >= 0.95
    assert seeds_scores["pairs"]["f1"] >= 0.95
    assert seeds_scores["country_accuracy"]["value"] >= 0.95


@pytest.mark.parametrize("part", ["posts", "organisations", "topics"])
def test_seed_posts_organisations_topics(seeds_scores, part):
    assert seeds_scores[part]["tp"] > 0
    assert seeds_scores[part]["f1"] >= 0.9


def test_seed_meeting_kinds_and_dates(seeds_scores):
    assert seeds_scores["kind_accuracy"]["value"] == 1.0
    assert seeds_scores["date_accuracy"]["value"] >= 0.9


def test_dev_set_meets_targets(dev_scores):
    overall = dev_scores["overall"]
    assert overall["persons"]["f1"] >= 0.92
    assert overall["pairs"]["f1"] >= 0.85
    assert overall["country_accuracy"]["value"] >= 0.95


def test_no_meeting_in_off_topic_files(dev_scores):
    assert dev_scores["overall"]["off_topic_meetings"] == 0
    gold = [json.loads(line) for line in DEV_GOLD.read_text(encoding="utf-8").splitlines()]
    off_topic = [g["file"] for g in gold if not g["on_topic"]]
    assert off_topic, "the dev set has off-topic files"
    for name in off_topic:
        assert dev_scores["files"][name]["pairs"]["fp"] == 0


def test_tally_arithmetic():
    tally = Tally()
    tally.add({"a", "b", "c"}, {"b", "c", "d"})
    assert (tally.tp, tally.fp, tally.fn) == (2, 1, 1)
    assert tally.f1 == pytest.approx(2 / 3)


def test_evaluate_command_prints_per_file_and_overall():
    result = invoke("evaluate", str(GOLD_DIR / "seeds_gold.jsonl"), "--corpus", str(SEEDS))
    lines = result.output.splitlines()
    assert any(line.startswith("000_2e5f7d23c231756c.txt") for line in lines)
    assert any(line.startswith("OVERALL") for line in lines)
    assert "meeting kind accuracy" in result.output
