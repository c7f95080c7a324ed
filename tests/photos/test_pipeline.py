"""The photo pipeline on well-formed photos: types, metadata, orientation, clean derivatives."""

from __future__ import annotations

import ast
import hashlib
import io
import itertools
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageStat, JpegImagePlugin

from backend.photos.pipeline import ProcessedPhoto, hamming, process_photo, sniff
from tests.photos import images as img
from tests.photos.images import UNSET, Rational

SHANGHAI_OFFSET = timedelta(hours=8)
Size = tuple[int, int]
Drafted = tuple[str, tuple[int, int, float, float]] | None


@pytest.fixture(scope="module")
def phone() -> bytes:
    return img.phone_jpeg((4000, 3000), orientation=1)


@pytest.fixture(scope="module")
def phone_result(phone: bytes) -> ProcessedPhoto:
    return process_photo(phone)


# --- sniffing -------------------------------------------------------------------------------


def test_sniff_real_encodings() -> None:
    picture = img.photo_pixels((64, 48))
    assert sniff(img.jpeg_bytes(picture)) == "image/jpeg"
    assert sniff(img.jpeg_bytes(picture, progressive=True)) == "image/jpeg"
    assert sniff(img.png_bytes(picture)) == "image/png"
    assert sniff(img.webp_bytes(picture)) == "image/webp"
    assert sniff(img.webp_bytes(picture, lossless=True)) == "image/webp"
    assert sniff(img.webp_bytes(picture.convert("RGBA"), exif=img.make_exif())) == "image/webp"
    assert sniff(img.heic_bytes(picture)) == "image/heic"


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        (img.ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
        (img.ftyp(b"heix", b"mif1"), "image/heic"),
        (img.ftyp(b"hevc", b"msf1"), "image/heic"),
        (img.ftyp(b"heim", b"mif1"), "image/heic"),
        (img.ftyp(b"heis", b"mif1"), "image/heic"),
        (img.ftyp(b"hevm", b"msf1"), "image/heic"),
        (img.ftyp(b"hevs", b"msf1"), "image/heic"),
        (img.ftyp(b"mif1", b"mif1", b"heic"), "image/heic"),  # some Android phones
        (img.ftyp(b"mif1", b"mif1", b"miaf"), "image/heif"),
        (img.ftyp(b"msf1", b"msf1"), "image/heif"),
        (img.ftyp(b"avif", b"mif1", b"miaf"), None),
        (img.ftyp(b"mif1", b"avif"), None),
        (img.ftyp(b"isom", b"mp41"), None),  # MP4 video
        (img.ftyp(b"qt  "), None),
    ],
)
def test_sniff_heif_brands(box: bytes, expected: str | None) -> None:
    assert sniff(box) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"<html><body>hi</body></html>",
        b"%PDF-1.7\n",
        b"BM" + b"\x00" * 60,
        b"II*\x00" + b"\x00" * 60,  # TIFF
        b"RIFF\x00\x00\x00\x00WAVEfmt ",
        b"\xff\xd8",  # too short to be a JPEG
        b"",
    ],
)
def test_sniff_rejects_other_types(data: bytes) -> None:
    assert sniff(data) is None


def test_sniff_ignores_a_jpeg_that_does_not_start_the_file() -> None:
    assert (
        sniff(b"<html><script>alert(1)</script>" + img.jpeg_bytes(Image.new("RGB", (8, 8)))) is None
    )


# --- metadata -------------------------------------------------------------------------------


def test_phone_jpeg_facts(phone: bytes, phone_result: ProcessedPhoto) -> None:
    result = phone_result
    assert result.sha256 == hashlib.sha256(phone).hexdigest()
    assert result.sha256 != hashlib.sha256(result.display).hexdigest()
    assert (result.mime, result.size) == ("image/jpeg", len(phone))
    assert (result.width, result.height) == (4000, 3000)
    assert result.taken_at == datetime(2026, 5, 1, 9, 30, tzinfo=timezone(SHANGHAI_OFFSET))
    assert result.gps == pytest.approx((38.914, 121.616), abs=1e-6)
    assert result.gps_accuracy_m == pytest.approx(4.5)
    assert len(result.phash) == 16 and int(result.phash, 16) >= 0


def test_taken_at_without_offset_is_shanghai_time() -> None:
    result = process_photo(img.phone_jpeg((160, 120), offset=UNSET))
    assert result.taken_at is not None
    assert result.taken_at.utcoffset() == SHANGHAI_OFFSET
    assert str(result.taken_at.tzinfo) == "Asia/Shanghai"
    assert result.taken_at.astimezone(UTC) == datetime(2026, 5, 1, 1, 30, tzinfo=UTC)


def test_taken_at_uses_the_offset_the_phone_wrote() -> None:
    result = process_photo(img.phone_jpeg((160, 120), offset="-05:00"))
    assert result.taken_at == datetime(2026, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))


@pytest.mark.parametrize(
    "raw",
    [
        "0000:00:00 00:00:00",
        "    :  :     :  :  ",
        "1970:01:01 08:00:00",
        "1999:12:31 23:59:59",
        f"{datetime.now(UTC).year + 2}:01:01 00:00:00",
        "2026:13:45 25:61:00",
        "yesterday",
        "",
        b"\xff\xfe\x00garbage",
    ],
)
def test_garbage_dates_are_ignored(raw: str | bytes) -> None:
    result = process_photo(img.phone_jpeg((160, 120), taken=raw))
    assert result.taken_at is None
    assert result.gps is not None  # the rest of the metadata is still read


def test_southern_and_western_hemispheres() -> None:
    result = process_photo(img.phone_jpeg((160, 120), gps=(-33.8568, -70.6483)))
    assert result.gps == pytest.approx((-33.8568, -70.6483), abs=1e-6)


_BAD_GPS = {
    "latitude_95": (95.0, 121.6),
    "longitude_200": (38.9, 200.0),
    "null_island": (0.0, 0.0),
    "zero_denominator": ((Rational(38, 1), Rational(54, 0), Rational(0, 1)), 121.6),
    "nan_0_over_0": (38.9, (Rational(0, 0), Rational(36, 1), Rational(0, 1))),
    "minutes_75": ((Rational(38, 1), Rational(75, 1), Rational(0, 1)), 121.6),
    "four_parts": ((Rational(1, 1),) * 4, 121.6),
}


@pytest.mark.parametrize("gps", _BAD_GPS.values(), ids=_BAD_GPS.keys())
def test_garbage_gps_is_ignored(gps: tuple[object, object]) -> None:
    result = process_photo(img.phone_jpeg((160, 120), gps=gps))
    assert result.gps is None
    assert result.gps_accuracy_m is None  # an accuracy without a position means nothing
    assert result.taken_at is not None


def test_photo_without_exif() -> None:
    result = process_photo(img.jpeg_bytes(img.photo_pixels((160, 120))))
    assert (result.taken_at, result.gps, result.gps_accuracy_m) == (None, None, None)


def test_heic_metadata_and_orientation_are_read() -> None:
    upright = img.upright_marker((640, 400))
    stored = Image.fromarray(img.stored_for_orientation(upright, 6).copy(), "RGB")
    data = img.heic_bytes(stored, exif=img.make_exif(orientation=6).tobytes())
    result = process_photo(data)
    assert (result.mime, result.width, result.height) == ("image/heic", 640, 400)
    assert result.gps == pytest.approx((38.914, 121.616), abs=1e-6)
    assert result.taken_at == datetime(2026, 5, 1, 9, 30, tzinfo=timezone(SHANGHAI_OFFSET))
    _assert_upright(Image.open(io.BytesIO(result.display)))


# --- orientation ----------------------------------------------------------------------------


def _assert_upright(picture: Image.Image) -> None:
    corners = img.corner_colours(picture)
    assert img.close(corners["top_left"], img.RED), corners
    assert img.close(corners["top_right"], img.GREEN), corners
    assert img.close(corners["bottom_left"], img.BLUE), corners
    assert img.close(corners["bottom_right"], img.GREY), corners


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(orientation: int) -> None:
    result = process_photo(img.oriented_jpeg(orientation, (3400, 2000)))
    assert (result.width, result.height) == (3400, 2000)
    display = Image.open(io.BytesIO(result.display))
    thumb = Image.open(io.BytesIO(result.thumbnail))
    assert display.size == (1600, 941) and thumb.size == (320, 188)
    _assert_upright(display)
    _assert_upright(thumb)


# --- derivatives ----------------------------------------------------------------------------


def test_derivative_sizes_and_format(phone_result: ProcessedPhoto) -> None:
    display = Image.open(io.BytesIO(phone_result.display))
    thumb = Image.open(io.BytesIO(phone_result.thumbnail))
    assert display.format == thumb.format == "JPEG"
    assert display.size == (1600, 1200) and thumb.size == (320, 240)
    assert display.info.get("progressive") and thumb.info.get("progressive")


def test_small_photos_are_not_upscaled() -> None:
    result = process_photo(img.phone_jpeg((800, 600)))
    assert Image.open(io.BytesIO(result.display)).size == (800, 600)
    assert Image.open(io.BytesIO(result.thumbnail)).size == (320, 240)


def test_jpeg_is_decoded_in_draft_mode(phone: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    scales: list[tuple[int, int]] = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self: JpegImagePlugin.JpegImageFile, mode: str | None, size: Size | None) -> Drafted:
        result = original(self, mode, size)
        scales.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    process_photo(phone)
    assert scales == [(2000, 1500)]  # libjpeg decoded at 1/2 scale, not 4000 × 3000


FORBIDDEN = [b"Exif", b"http://ns.adobe.com/xap", b"ICC_PROFILE", b"WUHAO", b"inspector Wang"]
ALLOWED_INFO = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "progressive", "progression"}


def _assert_clean(jpeg: bytes) -> None:
    for needle in FORBIDDEN:
        assert needle not in jpeg, needle
    picture = Image.open(io.BytesIO(jpeg))
    assert set(picture.info) <= ALLOWED_INFO, picture.info.keys()
    assert dict(picture.getexif()) == {}
    # Only JFIF APP0, tables and the frame: no APP1-APP15 (EXIF, XMP, ICC, MPF …), no COM.
    markers = img.jpeg_header_markers(jpeg)
    assert 0xE0 in markers
    assert not [m for m in markers if 0xE1 <= m <= 0xEF or m == 0xFE], [hex(m) for m in markers]


@pytest.fixture(scope="module")
def sources() -> dict[str, bytes]:
    exif = img.make_exif()
    picture = img.photo_pixels((500, 400))
    return {
        "png_alpha": img.alpha_png(),
        "webp_exif": img.webp_bytes(picture, exif=exif, xmp=img.XMP),
        "heic_exif": img.heic_bytes(picture, exif=exif.tobytes(), xmp=img.XMP),
        "jpeg_huge_exif": img.phone_jpeg((500, 400), user_comment=b"WUHAO" * 12_000),
    }


def test_phone_derivatives_carry_no_metadata(phone: bytes, phone_result: ProcessedPhoto) -> None:
    for needle in (b"Exif", b"http://ns.adobe.com/xap", img.MAKE.encode(), img.COMMENT):
        assert needle in phone  # the original really had it
    _assert_clean(phone_result.display)
    _assert_clean(phone_result.thumbnail)


@pytest.mark.parametrize("name", ["png_alpha", "webp_exif", "heic_exif", "jpeg_huge_exif"])
def test_other_sources_derivatives_carry_no_metadata(name: str, sources: dict[str, bytes]) -> None:
    result = process_photo(sources[name])
    _assert_clean(result.display)
    _assert_clean(result.thumbnail)


def test_colour_profile_is_applied_then_dropped() -> None:
    stored_red = Image.new("RGB", (200, 100), (230, 20, 20))
    result = process_photo(img.jpeg_bytes(stored_red, icc_profile=img.swapped_primaries_icc()))
    display = Image.open(io.BytesIO(result.display))
    assert img.close(display.getpixel((50, 50)), (20, 230, 20))  # the profile said: that is green
    _assert_clean(result.display)


def test_unusable_colour_profiles_are_ignored() -> None:
    picture = img.photo_pixels((200, 100))
    xyz = ImageCms.ImageCmsProfile(ImageCms.createProfile("XYZ")).tobytes()
    for icc in (xyz, b"not a profile", img.swapped_primaries_icc()[:100]):
        result = process_photo(img.jpeg_bytes(picture, icc_profile=icc))
        _assert_clean(result.display)


def test_alpha_is_flattened_onto_white() -> None:
    result = process_photo(img.alpha_png((400, 300)))
    display = Image.open(io.BytesIO(result.display))
    assert display.mode == "RGB"
    assert img.close(display.getpixel((5, 5)), (255, 255, 255), 6)
    assert img.close(display.getpixel((200, 150)), (255, 0, 0), 12)


@pytest.mark.parametrize("mode", ["L", "LA", "P", "PA", "1", "I;16", "CMYK", "RGBA"])
def test_unusual_pixel_modes(mode: str) -> None:
    picture = img.photo_pixels((300, 200))
    if mode in ("P", "PA"):
        converted = picture.convert("P")
        if mode == "PA":
            converted.info["transparency"] = 0
        data = img.png_bytes(converted)
    elif mode == "CMYK":
        data = img.jpeg_bytes(picture.convert("CMYK"))
    elif mode == "I;16":
        data = img.png_bytes(
            picture.convert("L").convert("I").point(lambda v: v * 256).convert("I;16")
        )
    else:
        data = img.png_bytes(picture.convert(mode))
    result = process_photo(data)
    display = Image.open(io.BytesIO(result.display))
    assert display.mode == "RGB"
    assert (result.width, result.height) == (300, 200)
    if mode != "PA":  # same brightness: no clipping of 16-bit, no inverted CMYK
        source_mean = ImageStat.Stat(picture.convert("L")).mean[0]
        assert ImageStat.Stat(display.convert("L")).mean[0] == pytest.approx(source_mean, abs=10)


def test_multi_picture_jpeg_uses_the_first_picture() -> None:
    first, second = img.photo_pixels((400, 300), seed=1), img.photo_pixels((200, 150), seed=2)
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    result = process_photo(out.getvalue())
    assert (result.mime, result.width, result.height) == ("image/jpeg", 400, 300)
    _assert_clean(result.display)


# --- perceptual hash ------------------------------------------------------------------------


def test_phash_is_equal_for_the_same_picture_re_encoded() -> None:
    picture = img.photo_pixels((1200, 900), seed=1)
    best = process_photo(img.jpeg_bytes(picture, quality=95))
    worse = process_photo(img.jpeg_bytes(picture, quality=60))
    as_png = process_photo(img.png_bytes(picture))
    assert best.sha256 != worse.sha256
    assert best.phash == worse.phash == as_png.phash


def test_phash_is_near_for_copies_and_far_for_other_pictures() -> None:
    """pHash is near-equal, not always equal (a coefficient can sit on the median): match
    duplicates with a small threshold. Here copies are within 4 bits, other pictures ≥ 12."""
    hashes = {}
    for seed in (1, 2, 3, 4):
        picture = img.photo_pixels((1200, 900), seed=seed)
        original = process_photo(img.jpeg_bytes(picture, quality=95)).phash
        for copy in (
            img.jpeg_bytes(picture, quality=60),
            img.jpeg_bytes(picture.resize((600, 450)), quality=75),
            img.webp_bytes(picture, quality=70),
        ):
            assert hamming(original, process_photo(copy).phash) <= 4
        hashes[seed] = original
    for a, b in itertools.combinations(hashes.values(), 2):
        assert hamming(a, b) >= 12


def test_hamming() -> None:
    assert hamming("0000000000000000", "0000000000000000") == 0
    assert hamming("0000000000000000", "ffffffffffffffff") == 64
    assert hamming("8000000000000001", "0000000000000000") == 2
    assert hamming("ABCDEF0123456789", "abcdef0123456789") == 0
    with pytest.raises(ValueError):
        hamming("00", "0000")
    with pytest.raises(ValueError):
        hamming("zz00000000000000", "0000000000000000")


PURE_MODULES = ["pipeline", "containers", "cost", "storage"]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_modules_are_pure(module: str) -> None:
    """No Flask and no database: the app wires these in, not the other way round."""
    source = Path(__file__).resolve().parents[2] / "backend" / "photos" / f"{module}.py"
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    pure = {f"backend.photos.{name}" for name in PURE_MODULES}
    roots = {name.split(".")[0] for name in imported - pure}
    assert not roots & {"flask", "flask_sqlalchemy", "sqlalchemy", "backend"}, imported
