"""The shape of archive/data/places.yml (codes, coordinates, forms) and the readings the
extractor takes from it: a place names its country, a person's name is never a place."""

from importlib import resources

import pytest
import yaml

from archive.extract.text import country_of_text
from archive.vietnamese import normalise


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key listed twice in one mapping (plain ``safe_load``
    keeps the last one silently)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _value in node.value]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        assert not twice, f"places.yml line {node.start_mark.line + 1}: listed twice: {twice}"
        return super().construct_mapping(node, deep=deep)


def places_file() -> dict:
    text = resources.files("archive.data").joinpath("places.yml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=UniqueKeyLoader)


DATA = places_file()
COUNTRIES: dict[str, str] = DATA["countries"]
PLACES: dict[str, dict] = DATA["places"]
CODES = set(COUNTRIES.values())


def place_forms() -> list[tuple[str, str]]:
    """(form, country) for every name and alias of every place."""
    return [
        (form, record["country"])
        for name, record in PLACES.items()
        for form in [name, *record.get("aliases", [])]
    ]


def test_country_codes_are_iso_shaped():
    bad = {form: code for form, code in COUNTRIES.items() if not _iso_shaped(code)}
    assert not bad


def _iso_shaped(code: object) -> bool:
    return isinstance(code, str) and len(code) == 2 and code.isascii() and code.isupper()


def test_every_place_is_in_a_known_country():
    unknown = {
        name: r.get("country") for name, r in PLACES.items() if r.get("country") not in CODES
    }
    assert not unknown


@pytest.mark.parametrize(("key", "limit"), [("lat", 90), ("lon", 180)])
def test_coordinates_are_numbers_in_range(key, limit):
    bad = {
        name: record.get(key)
        for name, record in PLACES.items()
        if isinstance(record.get(key), bool)
        or not isinstance(record.get(key), int | float)
        or not -limit <= record[key] <= limit
    }
    assert not bad


def test_records_have_only_known_fields():
    extra = {name: set(r) - {"country", "lat", "lon", "aliases"} for name, r in PLACES.items()}
    assert not {name: keys for name, keys in extra.items() if keys}


def test_no_form_is_listed_twice():
    """Across countries, place names and aliases, after tone-mark normalisation."""
    forms = [*COUNTRIES, *(form for form, _country in place_forms())]
    keys = [normalise(f) for f in forms]
    assert sorted({k for k in keys if keys.count(k) > 1}) == []


def test_no_place_is_named_like_a_country():
    countries = {normalise(c) for c in COUNTRIES}
    assert [name for name in PLACES if normalise(name) in countries] == []


def test_no_form_ends_with_another_countrys_form():
    """A place and a country form ending at one character tie, and the later code wins:
    "Nội Mông Cổ" must not read as Mongolia."""
    countries = [(normalise(f), code, "country") for f, code in COUNTRIES.items()]
    places = [(normalise(f), code, "place") for f, code in place_forms()]
    clashes = [
        (long, short)
        for long, code, table in countries + places
        for short, other_code, other_table in countries + places
        if table != other_table and code != other_code and long.endswith(" " + short)
    ]
    assert clashes == []


def test_bare_given_names_and_words_are_not_country_forms():
    forms = {normalise(f) for f in [*COUNTRIES, *(f for f, _c in place_forms())]}
    risky = {"Anh", "Đức", "Ý", "Nam", "Bỉ", "Séc", "Pháp", "Nhật", "Hồ Chí Minh", "Hà Lan"}
    risky |= {"Nam Phi", "Bắc Hà", "Hải Hà", "Kim Bình", "Lục Xuân", "Đồng Văn", "Hạ Long"}
    assert forms & {normalise(r) for r in risky} == set()


@pytest.mark.parametrize(
    ("phrase", "country"),
    [
        ("Công an tỉnh Hủa Phăn", "LA"),
        ("Sở An ninh tỉnh Savannakhet", "LA"),
        ("Chính phủ nhân dân huyện Kim Bình, châu Hồng Hà", "CN"),
        ("Ủy ban nhân dân huyện Trùng Khánh", "VN"),
        ("Chính quyền thành phố Trùng Khánh", "CN"),
        ("Công an tỉnh Thừa Thiên - Huế", "VN"),
        ("Khu tự trị Nội Mông Cổ", "CN"),
        ("Đại sứ quán Mông Cổ", "MN"),
        ("Bộ Nội vụ Cộng hòa Liên bang Đức", "DE"),
        ("Cảnh sát Liên bang Australia", "AU"),
        ("Bộ Công an CHDCND Lào", "LA"),
        ("Cục Cảnh sát tỉnh Xiêm Riệp", "KH"),
        ("Đại sứ quán tại Tokyo", "JP"),
        ("Bộ An ninh Quốc gia Triều Tiên", "KP"),
    ],
)
def test_a_place_names_its_country(phrase, country):
    assert country_of_text(normalise(phrase)) == country


@pytest.mark.parametrize(
    "phrase",
    [
        "Nguyễn Minh Đức",
        "Lê Thị Anh",
        "Trần Kim Bình",
        "Phạm Bắc Hà",
        "Đồng Văn Thành",
        "Nguyễn Thị Hà Lan",
        "Lê Nam Phi",
    ],
)
def test_a_persons_name_names_no_country(phrase):
    assert country_of_text(normalise(phrase)) is None
