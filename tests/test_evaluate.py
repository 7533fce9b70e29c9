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


@pytest.fixture(scope="module")
def dev_scores_without_known_people():
    return evaluate(DEV_GOLD, DEV_CORPUS, known_people=False)


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
    """Issue 9's targets on the whole dev corpus (56 texts)."""
    overall = dev_scores["overall"]
    assert len(dev_scores["files"]) >= 56
    assert overall["persons"]["f1"] >= 0.97
    assert overall["pairs"]["f1"] >= 0.92
    assert overall["country_accuracy"]["value"] >= 0.97
    assert overall["kind_accuracy"]["value"] >= 0.95
    assert overall["date_accuracy"]["value"] >= 0.90


def test_dev_set_holds_without_the_known_people_list(dev_scores_without_known_people):
    """Names, pairs and countries come from the language, not from the list of office
    holders: with the list switched off the issue's lower targets still hold."""
    overall = dev_scores_without_known_people["overall"]
    assert overall["persons"]["f1"] >= 0.95
    assert overall["pairs"]["f1"] >= 0.88
    assert overall["country_accuracy"]["value"] >= 0.92
    assert overall["off_topic_meetings"] == 0


def test_the_switch_really_turns_the_list_off(dev_scores, dev_scores_without_known_people):
    """Without the list some country is lost somewhere (the list is not ignored, the switch
    is not a no-op)."""
    with_list = dev_scores["overall"]["country_accuracy"]["value"]
    without = dev_scores_without_known_people["overall"]["country_accuracy"]["value"]
    assert without < with_list


def test_misses_are_listed_by_class(dev_scores):
    misses = {k for f in dev_scores["files"].values() for k in f["misses"]}
    assert misses <= {
        "persons_missed",
        "persons_spurious",
        "country_wrong",
        "pairs_missed",
        "pairs_spurious",
        "kind_wrong",
        "date_wrong",
    }


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


def test_evaluate_command_prints_each_miss_with_its_file(tmp_path):
    """A gold line that expects a person the text does not name shows up as a miss."""
    gold = [json.loads(line) for line in (GOLD_DIR / "seeds_gold.jsonl").read_text().splitlines()]
    gold[0]["persons"].append({"name": "Người Không Có", "country": "VN"})
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in gold), encoding="utf-8")
    result = invoke("evaluate", str(path), "--corpus", str(SEEDS), "--without-known-people")
    assert "person missed (1):" in result.output
    assert f"  {gold[0]['file']}: Người Không Có" in result.output
