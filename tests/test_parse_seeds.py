"""Parse stage on the five real seed files: every field, and what must not reach the body."""

import pytest

from archive.parse import parse_article
from archive.read import read_source

from .conftest import SEEDS

EXPECTED = {
    "000_2e5f7d23c231756c.txt": {
        "format": "titled",
        "title": "Đoàn đại biểu cấp cao Bộ Công an thăm Trung Quốc",
        "url": None,
        "outlet": None,
        "agency": "TTXVN",
        "published_date": "2012-01-06",
        "date_precision": "day",
        "starts": "Nhận lời mời của Bộ trưởng Công an Trung Quốc",
        "ends": "hòa bình, ổn định ở khu vực và thế giới./.",
        "absent": ["Tìm kiếm", "Liên kết website", "Tin tức - Sự kiện", "Theo TTXVN", "06/01/2012"],
    },
    "001_9c86299ff7976ae4.txt": {
        "format": "url_separated",
        "title": "Việt Nam-Trung Quốc tăng cường hợp tác trong lĩnh vực an ninh trật tự",
        "url": "http://www.vietnamplus.vn/viet-namtrung-quoc-tang-cuong-hop-tac-trong-linh-vuc"
        "-an-ninh-trat-tu/425576.vnp",
        "outlet": "VietnamPlus",
        "agency": None,
        "published_date": None,
        "date_precision": None,
        "starts": "Theo phóng viên TTXVN tại Bắc Kinh",
        "ends": "các cơ quan thực thi pháp luật Trung Quốc./.",
        "absent": ["Ảnh:", "Doãn Tấn", "-----", "http://"],
    },
    "002_b60e7491f22b6e69.txt": {
        "format": "titled",
        "title": "Tổng Bí thư tiếp Đoàn đại biểu cấp cao Bộ Công an Trung Quốc",
        "url": None,
        "outlet": None,
        "agency": "TTXVN/VNP",
        "published_date": None,
        "date_precision": None,
        "starts": "Chiều 16/4, tại Trụ sở Trung ương Đảng",
        "ends": "xây dựng chủ nghĩa xã hội ở mỗi nước./.",
        "absent": [
            "Ảnh:",
            "Trí Dũng",
            "Phạm Minh Chính",
            "Điện Biên",
            "Top",
            "TTXVN/VNP",
            "Tin tức",
        ],
    },
    "003_1a329180d67adb47.txt": {
        "format": "date_prefix",
        "title": None,
        "url": None,
        "outlet": None,
        "agency": None,
        "published_date": "2024-08",
        "date_precision": "month",
        "starts": "Mở đầu cuộc hội đàm, Bộ trưởng Vương Tiểu Hồng",
        "ends": "hợp tác an ninh trong các khuôn khổ đa phương.../.",
        "absent": ["date 2024", "Ảnh: TTXVN phát", "Quang cảnh buổi hội đàm", "hoà bình"],
    },
    "004_53ed54ac5e852cfd.txt": {
        "format": "url_separated",
        "title": "Bộ trưởng Tô Lâm gặp Bộ trưởng An ninh Quốc gia Trung Quốc",
        "url": "http://www.vietnamplus.vn/bo-truong-to-lam-gap-bo-truong-an-ninh-quoc-gia"
        "-trung-quoc/425692.vnp",
        "outlet": "VietnamPlus",
        "agency": None,
        "published_date": None,
        "date_precision": None,
        "starts": "Tối 13/1, tại thủ đô Bắc Kinh, Thượng tướng Tô Lâm",
        "ends": "tổ chức diễn tập chống khủng bố, chống bạo loạn./.",
        "absent": ["Ảnh:", "Trí Dũng", "-----"],
    },
}
FIELDS = ("format", "title", "url", "outlet", "agency", "published_date", "date_precision")


@pytest.fixture(scope="module")
def parsed():
    return {name: parse_article(read_source(SEEDS / name)) for name in EXPECTED}


def test_every_seed_is_covered():
    assert sorted(EXPECTED) == sorted(p.name for p in SEEDS.glob("*.txt"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("field", FIELDS)
def test_seed_field(parsed, name, field):
    assert getattr(parsed[name], field) == EXPECTED[name][field]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_body_starts_and_ends(parsed, name):
    body = parsed[name].body
    assert body.startswith(EXPECTED[name]["starts"])
    assert body.endswith(EXPECTED[name]["ends"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_body_keeps_out_boilerplate(parsed, name):
    body = parsed[name].body
    for text in EXPECTED[name]["absent"]:
        assert text not in body, f"{text!r} leaked into the body of {name}"


def test_captions_and_photo_credits_are_kept_as_credits(parsed):
    credits = {(c.kind, c.text) for c in parsed["002_b60e7491f22b6e69.txt"].credits}
    assert ("photo", "Trí Dũng/TTXVN") in credits
    assert ("agency", "TTXVN/VNP") in credits
    captions = [c.text for c in parsed["003_1a329180d67adb47.txt"].credits if c.kind == "caption"]
    assert captions[1] == "Quang cảnh buổi hội đàm."
