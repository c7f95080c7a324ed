"""Hostile uploads (generated here): each is rejected with the right code or accepted sanitised.

Never any other exception type: the caller maps PhotoRejected codes to HTTP answers.
"""

from __future__ import annotations

import io
import random
import warnings
import zlib
from collections.abc import Callable

import pytest
from PIL import Image, ImageFile, WebPImagePlugin
from pillow_heif import as_plugin as heif_plugin

from backend.photos import pipeline
from backend.photos.pipeline import PhotoRejected, ProcessedPhoto, process_photo
from tests.photos import costly_images as costly
from tests.photos import images as img

ACCEPTED = "accepted"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _small(seed: int = 1) -> Image.Image:
    return img.photo_pixels((320, 240), seed)


def _small_jpeg() -> bytes:
    return img.phone_jpeg((320, 240))


def _jpeg_garbage_after_header() -> bytes:
    data = img.jpeg_bytes(_small())
    scan = data.find(b"\xff\xda")
    header_end = scan + 2 + int.from_bytes(data[scan + 2 : scan + 4], "big")
    return data[:header_end] + random.Random(7).randbytes(20_000)


def _png_bad_crc() -> bytes:
    data = bytearray(img.png_bytes(_small()))
    data[data.find(b"IDAT") + 40] ^= 0xFF
    return bytes(data)


def _png_text_bomb() -> bytes:
    """A zTXt chunk that inflates to 64 MB (Pillow caps text chunks at 1 MB)."""
    data = img.png_bytes(_small())
    body = b"Comment\x00\x00" + zlib.compress(b"\x00" * (64 << 20), 9)
    chunk = img.png_chunk(b"zTXt", body)
    at = data.find(b"IDAT") - 4
    return data[:at] + chunk + data[at:]


def _corrupt_exif() -> bytes:
    data = img.jpeg_bytes(_small())
    segment = b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\xff\xff" + random.Random(3).randbytes(300)
    app1 = b"\xff\xe1" + (len(segment) + 2).to_bytes(2, "big") + segment
    return data[:2] + app1 + data[2:]


def _avif() -> bytes:
    """A real AVIF where Pillow can encode one, else just its ftyp box."""
    out = io.BytesIO()
    try:
        _small().save(out, "AVIF")
    except (KeyError, OSError, ValueError):
        return img.ftyp(b"avif", b"mif1", b"miaf")
    return out.getvalue()


def _cut(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)]


CORPUS: dict[str, tuple[Callable[[], bytes], str]] = {
    # decompression bombs: refused from the header, before any pixel is decoded
    "png_bomb_30000x30000": (img.png_bomb, "too_many_pixels"),
    "jpeg_header_50000x50000": (
        lambda: img.with_jpeg_dimensions(img.jpeg_bytes(_small()), 50000, 50000),
        "too_many_pixels",
    ),
    "jpeg_header_8000x6000": (
        lambda: img.with_jpeg_dimensions(img.jpeg_bytes(_small()), 8000, 6000),
        "too_many_pixels",
    ),
    "heic_header_20000x20000": (
        lambda: img.with_heic_dimensions(img.heic_bytes(_small()), 20000, 20000),
        "too_many_pixels",
    ),
    "webp_lossless_16384x16384": (
        lambda: img.with_webp_lossless_dimensions(
            img.webp_bytes(_small(), lossless=True), 16384, 16384
        ),
        "too_many_pixels",
    ),
    "gif_bomb": (img.gif_bomb, "unsupported_type"),
    # within the pixel limit, but costly to decode: refused from the header as well
    "webp_lossless_16383x2441_1kb": (costly.lossless_webp, "image_too_costly"),
    "png_16bit_rgba_6000x6600_300kb": (costly.raw_png, "image_too_costly"),
    "png_16bit_grey_6000x6600": (
        lambda: costly.raw_png(costly.PNG16_SIZE, 16, 0),
        "image_too_costly",
    ),
    # crash-shaped headers
    "png_zero_width": (costly.png_zero_width, "corrupt"),
    "png_16bit_palette": (costly.png_sixteen_bit_palette, "corrupt"),
    "jpeg_zero_sampling_factors": (costly.jpeg_zero_sampling, "corrupt"),
    "jpeg_zero_components": (costly.jpeg_zero_components, "corrupt"),
    "webp_canvas_larger_than_frame": (costly.webp_canvas_larger_than_frame, "corrupt"),
    "heic_zero_size": (costly.heic_zero_size, "corrupt"),
    # truncated and corrupt files
    "jpeg_cut_at_60_percent": (lambda: _cut(img.phone_jpeg((1200, 900)), 0.6), "corrupt"),
    "progressive_jpeg_cut_at_60_percent": (
        lambda: _cut(img.jpeg_bytes(_small(), progressive=True), 0.6),
        "corrupt",
    ),
    "jpeg_without_final_eoi": (lambda: img.phone_jpeg((1200, 900))[:-2], "corrupt"),
    "jpeg_garbage_after_header": (_jpeg_garbage_after_header, "corrupt"),
    "jpeg_magic_then_random": (
        lambda: b"\xff\xd8\xff" + random.Random(1).randbytes(5000),
        "corrupt",
    ),
    "jpeg_magic_only": (lambda: b"\xff\xd8\xff", "corrupt"),
    "png_cut_at_60_percent": (lambda: _cut(img.png_bytes(_small()), 0.6), "corrupt"),
    "png_bad_crc": (_png_bad_crc, "corrupt"),
    "png_text_chunk_bomb": (_png_text_bomb, "corrupt"),
    "webp_cut_at_60_percent": (lambda: _cut(img.webp_bytes(_small()), 0.6), "corrupt"),
    "webp_header_then_garbage": (
        lambda: b"RIFF\x00\x10\x00\x00WEBPVP8 " + random.Random(2).randbytes(4000),
        "corrupt",
    ),
    "heic_cut_at_60_percent": (lambda: _cut(img.heic_bytes(_small()), 0.6), "corrupt"),
    "heif_brand_with_no_image": (lambda: img.ftyp(b"mif1", b"mif1", b"heic"), "corrupt"),
    # a tiled HEIC as iPhones write: libheif decodes lost tiles as garbage and says nothing
    "heic_grid_cut_at_60_percent": (lambda: costly.cut(costly.grid_heic(), 0.6), "corrupt"),
    "heic_grid_cut_at_97_percent": (lambda: costly.cut(costly.grid_heic(), 0.97), "corrupt"),
    "heic_grid_cut_with_mdat_size_fixed": (
        lambda: costly.heic_with_cut_mdat(costly.grid_heic()),
        "corrupt",
    ),
    "heic_grid_whole": (costly.grid_heic, ACCEPTED),
    # polyglots
    "jpeg_then_html": (lambda: _small_jpeg() + HTML, ACCEPTED),
    "jpeg_with_html_comment": (
        lambda: img.jpeg_bytes(_small(), comment=HTML),
        ACCEPTED,
    ),
    "html_then_jpeg": (lambda: HTML + _small_jpeg(), "unsupported_type"),
    "gif_then_js": (
        lambda: b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(1);//;",
        "unsupported_type",
    ),
    # not images at all, whatever the file was called
    "svg": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
        "unsupported_type",
    ),
    "html_named_jpg": (lambda: HTML, "unsupported_type"),
    "pdf": (lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "unsupported_type"),
    "avif": (_avif, "unsupported_type"),
    "random_bytes": (lambda: random.Random(5).randbytes(100_000), "unsupported_type"),
    "zero_bytes": (lambda: b"", "empty"),
    "one_byte": (lambda: b"\xff", "unsupported_type"),
    # metadata abuse
    "huge_exif_user_comment_60kb": (
        lambda: img.phone_jpeg((640, 480), user_comment=b"WUHAO-HUGE" * 6000),
        ACCEPTED,
    ),
    "corrupt_exif_block": (_corrupt_exif, ACCEPTED),
}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.filterwarnings("ignore::UserWarning:PIL.TiffImagePlugin")  # corrupt_exif_block
@pytest.mark.parametrize("name", CORPUS.keys())
def test_hostile_corpus(name: str) -> None:
    make, expected = CORPUS[name]
    outcome = _outcome(make())
    if expected != ACCEPTED:
        assert outcome == expected, f"{name}: {outcome}"
        return
    assert isinstance(outcome, ProcessedPhoto), f"{name}: {outcome}"
    for variant in (outcome.display, outcome.thumbnail):
        assert variant.startswith(b"\xff\xd8\xff\xe0") and variant.endswith(b"\xff\xd9")
        for needle in (b"<html", b"<script", b"alert", b"Exif", b"WUHAO"):
            assert needle not in variant, (name, needle)
        assert Image.open(io.BytesIO(variant)).getexif() == {}


def _outcome(data: bytes, **limits: int) -> ProcessedPhoto | str:
    try:
        return process_photo(data, **limits)
    except PhotoRejected as rejected:
        assert rejected.message and "(" in rejected.message  # zh (en)
        return rejected.code


def test_huge_exif_still_yields_metadata() -> None:
    result = process_photo(img.phone_jpeg((640, 480), user_comment=b"x" * 60_000))
    assert result.gps is not None and result.taken_at is not None


def test_over_size_body_is_refused_before_anything_else() -> None:
    assert _outcome(random.Random(1).randbytes(2_000_001), max_bytes=2_000_000) == "too_large"
    valid = _small_jpeg()
    assert _outcome(valid, max_bytes=len(valid) - 1) == "too_large"
    assert isinstance(_outcome(valid, max_bytes=len(valid)), ProcessedPhoto)
    with pytest.raises(PhotoRejected, match="20 MB"):
        process_photo(b"\xff" * (20 * 1024 * 1024 + 1))


def test_bomb_warning_escalated_to_error_is_still_too_many_pixels() -> None:
    bomb = img.with_jpeg_dimensions(img.jpeg_bytes(_small()), 8000, 6000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        assert _outcome(bomb) == "too_many_pixels"


# --- pixel limits come from the header, before decoding ------------------------------------


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Image.Image) -> None:
        raise AssertionError("pixels were decoded")

    for plugin in (ImageFile.ImageFile, WebPImagePlugin.WebPImageFile, heif_plugin.HeifImageFile):
        monkeypatch.setattr(plugin, "load", refuse)


@pytest.mark.parametrize("kind", ["jpeg", "png", "webp", "heic"])
@pytest.mark.usefixtures("no_decoding")
def test_too_many_pixels_is_decided_without_decoding(kind: str) -> None:
    picture = _small()  # 76 800 pixels
    data = {
        "jpeg": img.jpeg_bytes,
        "png": img.png_bytes,
        "webp": img.webp_bytes,
        "heic": img.heic_bytes,
    }[kind](picture)
    assert _outcome(data, max_pixels=76_799) == "too_many_pixels"


# --- truncation is caught although draft mode decodes at reduced scale ---------------------


def _jpeg_cuts() -> dict[str, bytes]:
    baseline = img.jpeg_bytes(img.photo_pixels((3200, 2400)), quality=90)
    progressive = img.jpeg_bytes(img.photo_pixels((3200, 2400)), quality=90, progressive=True)
    return {
        "baseline_60pct": _cut(baseline, 0.6),
        "baseline_99pct": _cut(baseline, 0.99),
        "baseline_no_eoi": baseline[:-2],
        "baseline_half_eoi": baseline[:-1],
        "baseline_eoi_replaced_by_zeros": baseline[:-2] + b"\x00" * 64,
        "progressive_60pct": _cut(progressive, 0.6),
        "progressive_no_eoi": progressive[:-2],
    }


@pytest.fixture(scope="module")
def jpeg_cuts() -> dict[str, bytes]:
    cuts = _jpeg_cuts()
    assert sorted(cuts) == sorted(JPEG_CUTS)
    return cuts


JPEG_CUTS = [
    "baseline_60pct",
    "baseline_99pct",
    "baseline_no_eoi",
    "baseline_half_eoi",
    "baseline_eoi_replaced_by_zeros",
    "progressive_60pct",
    "progressive_no_eoi",
]


@pytest.mark.parametrize("name", JPEG_CUTS)
def test_truncated_jpeg_is_corrupt(name: str, jpeg_cuts: dict[str, bytes]) -> None:
    data = jpeg_cuts[name]
    assert pipeline.jpeg_is_complete(data) is False
    assert _outcome(data) == "corrupt"


def test_decoding_alone_misses_a_lost_end_so_the_segment_walk_is_needed(
    jpeg_cuts: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tail zero-filled by a failed transfer: libjpeg skips the padding and reports success."""
    data = jpeg_cuts["baseline_eoi_replaced_by_zeros"]
    picture = Image.open(io.BytesIO(data))
    picture.draft("RGB", (1600, 1200))
    picture.load()  # no error from Pillow, in draft mode or not
    assert picture.size == (1600, 1200)
    assert _outcome(data) == "corrupt"
    monkeypatch.setattr(pipeline, "jpeg_is_complete", lambda data: True)
    assert isinstance(_outcome(data), ProcessedPhoto)  # without the walk it would be accepted


@pytest.mark.parametrize("name", ["baseline_60pct", "baseline_no_eoi", "progressive_60pct"])
def test_draft_decoding_still_catches_plain_truncation(
    name: str, jpeg_cuts: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Second layer: under draft, libjpeg still reads on to EOI (jpeg_finish_decompress)."""
    monkeypatch.setattr(pipeline, "jpeg_is_complete", lambda data: True)
    assert _outcome(jpeg_cuts[name]) == "corrupt"


def test_truncation_is_found_even_with_an_eoi_earlier_in_the_file() -> None:
    """An EXIF thumbnail or a comment can hold FFD9; a naive 'contains EOI' check is fooled."""
    full = img.jpeg_bytes(img.photo_pixels((1200, 900)), comment=b"\xff\xd8\xff\xd9")
    cut = _cut(full, 0.6)
    assert b"\xff\xd9" in cut
    assert pipeline.jpeg_is_complete(full) is True
    assert pipeline.jpeg_is_complete(cut) is False
    assert _outcome(cut) == "corrupt"
    assert isinstance(_outcome(full), ProcessedPhoto)


def test_load_truncated_images_cannot_be_switched_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert _outcome(_cut(img.png_bytes(_small()), 0.8)) == "corrupt"
    assert _outcome(_cut(img.phone_jpeg((1200, 900)), 0.9)) == "corrupt"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# --- mutation fuzzing: whatever the damage, only PhotoRejected or a clean photo ------------


def _seeds() -> dict[str, bytes]:
    picture = img.photo_pixels((96, 64))
    return {
        "jpeg": img.phone_jpeg((96, 64)),
        "progressive_jpeg": img.jpeg_bytes(picture, progressive=True, exif=img.make_exif()),
        "png": img.png_bytes(picture),
        "webp": img.webp_bytes(picture, exif=img.make_exif()),
        "heic": img.heic_bytes(picture),
    }


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.filterwarnings("ignore::UserWarning:PIL.TiffImagePlugin")  # mangled EXIF
@pytest.mark.parametrize("kind", ["jpeg", "progressive_jpeg", "png", "webp", "heic"])
def test_mutated_and_truncated_files(kind: str) -> None:
    seed = _seeds()[kind]
    rng = random.Random(kind)
    samples = [seed[:cut] for cut in range(0, len(seed), max(1, len(seed) // 40))]
    for _ in range(60):
        mutated = bytearray(seed)
        for _ in range(rng.randint(1, 8)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        samples.append(bytes(mutated))
    outcomes: set[str] = set()
    for sample in samples:
        outcome = _outcome(sample)
        outcomes.add(outcome if isinstance(outcome, str) else ACCEPTED)
    assert "corrupt" in outcomes


def test_decoders_used_are_only_the_sniffed_ones() -> None:
    """A PNG body in a JPEG's clothes is not handed to the PNG decoder (nor anything else)."""
    png = img.png_bytes(_small())
    assert _outcome(b"\xff\xd8\xff" + png) == "corrupt"
