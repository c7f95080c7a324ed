"""One hostile file cannot take a worker beyond the decode budget (peak RSS, measured).

Each file runs through process_photo (the pipeline services.ingest calls, with the configured
limits) in a fresh interpreter that reports how far its peak RSS rose. The accepted files are
the worst of their kind: the largest that the estimate lets through, in the formats that cost
most per pixel, plus the real phone photos.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.config import load_config
from backend.photos.cost import MiB
from tests.phone_photos import phone_photo
from tests.photos import costly_images as costly
from tests.photos.peak_memory import probe

BUDGET = load_config()["PHOTO_MAX_DECODE_BYTES"]
REFUSED_GROWTH = 24 * MiB  # a refusal decodes nothing: the header and a few buffers


REAL_PHOTOS = [
    "iphone-13-pro-max.heic",
    "pug.heic",
    "camera-2008-gps-italy.jpg",
    "portrait-orientation-8.jpg",
]


def test_worst_accepted_files_stay_within_the_budget(tmp_path: Path) -> None:
    files = costly.worst_accepted()
    files |= {name: phone_photo(name).read_bytes() for name in REAL_PHOTOS}
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = probe(path)
        assert result.outcome == "accepted", (name, result)
        assert result.growth <= BUDGET, (name, result)
        # The estimate is what enforces the budget, so it must not be below the real cost.
        assert result.estimate is not None and result.growth <= result.estimate, (name, result)


def test_costly_and_truncated_files_are_refused_before_decoding(tmp_path: Path) -> None:
    iphone = phone_photo("iphone-13-pro-max.heic").read_bytes()
    files = {
        "webp_lossless_16383x2441": (costly.lossless_webp(), "image_too_costly"),
        "png_16bit_rgba_6000x6600": (costly.raw_png(), "image_too_costly"),
        "iphone_heic_cut_at_60_percent": (costly.cut(iphone, 0.6), "corrupt"),
        "iphone_heic_cut_at_99_percent": (costly.cut(iphone, 0.99), "corrupt"),
        "iphone_heic_mdat_shrunk_to_cut": (costly.heic_with_cut_mdat(iphone), "corrupt"),
    }
    for name, (data, code) in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = probe(path)
        assert result.outcome == code, (name, result)
        assert result.growth <= REFUSED_GROWTH, (name, result)
        assert result.seconds < 1.0, (name, result)


@pytest.mark.parametrize("budget_mib", [64, 192])
def test_a_smaller_budget_refuses_what_it_cannot_hold(tmp_path: Path, budget_mib: int) -> None:
    """PHOTO_MAX_DECODE_BYTES is honoured: the 12 MP iPhone HEIC is estimated at 146 MB."""
    path = tmp_path / "iphone.heic"
    path.write_bytes(phone_photo("iphone-13-pro-max.heic").read_bytes())
    result = probe(path, budget=budget_mib * MiB)
    expected = "image_too_costly" if budget_mib == 64 else "accepted"
    assert result.outcome == expected, result
    assert result.growth <= budget_mib * MiB, result
