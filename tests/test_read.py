"""Read stage: decoding and Vietnamese normalisation on real bytes."""

import unicodedata

import pytest

from archive.read import ReadError, decode, read_source
from archive.vietnamese import fold, normalise

from .conftest import SEEDS


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("Uỷ ban", "Ủy ban"),
        ("khoẻ", "khỏe"),
        ("thuỷ", "thủy"),
        ("Thuý", "Thúy"),
        ("toà án", "tòa án"),
        ("hoá", "hóa"),
    ],
)
def test_tone_marks_are_unified(old, new):
    assert normalise(old) == new


@pytest.mark.parametrize("word", ["quý", "quỷ", "hoàng", "ngoài", "thuyền", "khuya", "Quỳnh"])
def test_words_already_right_are_kept(word):
    assert normalise(word) == word


def test_nfd_input_becomes_nfc():
    assert normalise(unicodedata.normalize("NFD", "Bộ Công an")) == "Bộ Công an"


def test_fold_strips_all_marks_and_d_stroke():
    assert fold("Đối thoại An ninh") == "doi thoai an ninh"


def test_utf8_bom_is_removed():
    text, encoding, _ = decode("\ufeffBộ Công an".encode())
    assert (text, encoding) == ("Bộ Công an", "utf-8-sig")


def test_truncated_last_character_is_dropped_and_recorded():
    data = "Bộ Công an ạ".encode()[:-1]
    text, _, repairs = decode(data)
    assert text == "Bộ Công an " and repairs


def test_western_single_byte_text_is_a_clear_error(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Café déjà vu à Paris".encode("cp1252"))
    with pytest.raises(ReadError, match="Windows-1252"):
        read_source(path)


def test_seed_stored_text_is_normalised_but_raw_keeps_original():
    source = read_source(SEEDS / "000_2e5f7d23c231756c.txt")
    assert "văn hoá" in source.raw and "văn hóa" in source.text
    assert "văn hoá" not in source.text
