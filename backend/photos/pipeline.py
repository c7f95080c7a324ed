"""Photo intake: sniff, bound, verify, orient and re-encode inspection evidence.

Pure module (no Flask, no database): bytes in, a ProcessedPhoto or a PhotoRejected out. The
original is kept unchanged elsewhere (it is the evidence); everything shown to people is a
fresh JPEG with no metadata at all.
"""

from __future__ import annotations

import hashlib
import io
import math
import numbers
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import imagehash
import pillow_heif
from PIL import ExifTags, Image, ImageCms, ImageFile

from backend.photos.containers import heif_is_complete, jpeg_is_complete
from backend.photos.cost import DEFAULT_MAX_DECODE_BYTES, MiB, decode_cost

pillow_heif.register_heif_opener()

DEFAULT_MAX_BYTES: Final = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS: Final = 40_000_000
DISPLAY_MAX_SIDE: Final = 1600
THUMB_MAX_SIDE: Final = 320
JPEG_QUALITY: Final = 82

# Pillow's own bomb guard is a backstop for any Pillow use in the process: never looser than ours.
if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > DEFAULT_MAX_PIXELS:
    Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS
ImageFile.LOAD_TRUNCATED_IMAGES = False

RejectCode = Literal[
    "empty", "too_large", "unsupported_type", "too_many_pixels", "image_too_costly", "corrupt"
]
LatLng = tuple[float, float]  # WGS84 decimal degrees

_MESSAGES: Final[dict[str, str]] = {
    "empty": "文件为空 (empty upload: no bytes received)",
    "too_large": "文件过大 (file too large: at most {limit})",
    "unsupported_type": "不支持的文件类型 (unsupported file type: only JPEG, PNG, WebP, HEIC/HEIF)",
    "too_many_pixels": "图片像素过多 (image has too many pixels: at most {limit})",
    "image_too_costly": (
        "图片解码所需内存过多，请以普通 JPEG 或 HEIC 照片上传"
        " (image too costly to decode: at most {limit} of memory; send an ordinary photo)"
    ),
    "corrupt": "图片已损坏或不完整 (corrupt or incomplete image file)",
}


class PhotoRejected(ValueError):
    """An upload that is not an acceptable photo; `.code` is stable, `.message` is for people."""

    def __init__(self, code: RejectCode, limit: str = "") -> None:
        self.code: RejectCode = code
        self.message: str = _MESSAGES[code].format(limit=limit)
        super().__init__(self.message)


@dataclass(frozen=True)
class ProcessedPhoto:
    """What the pipeline learnt from an original, plus its clean derivatives."""

    sha256: str
    mime: str
    size: int
    width: int
    height: int
    taken_at: datetime | None
    gps: LatLng | None
    gps_accuracy_m: float | None
    phash: str
    display: bytes
    thumbnail: bytes


# --- sniffing -------------------------------------------------------------------------------

_HEVC_BRANDS: Final = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
)
_GENERIC_HEIF_BRANDS: Final = frozenset({b"mif1", b"msf1"})
_AV1_BRANDS: Final = frozenset({b"avif", b"avis", b"avio"})
_WEBP_CHUNKS: Final = (b"VP8 ", b"VP8L", b"VP8X")


def sniff(data: bytes) -> str | None:
    """The real image type from magic bytes at offset 0 (never from a name or a declared type)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:16] in _WEBP_CHUNKS:
        return "image/webp"
    return _sniff_heif(data)


def _sniff_heif(data: bytes) -> str | None:
    """HEIF family by its leading ftyp box: HEVC-coded → image/heic, other HEIF → image/heif."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(data[:4], "big")
    if box_size < 16 or box_size > min(len(data), 1024) or box_size % 4:
        return None
    major = data[8:12]
    brands = {data[i : i + 4] for i in range(16, box_size, 4)} | {major}
    if major in _HEVC_BRANDS:
        return "image/heic"
    if major not in _GENERIC_HEIF_BRANDS:
        return None  # AVIF, MP4/MOV video, JPEG 2000 …: not photos we accept
    if brands & _HEVC_BRANDS:
        return "image/heic"
    if brands & _AV1_BRANDS:
        return None  # AVIF is not on the accepted list
    return "image/heif"


_PIL_FORMATS: Final = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}

# --- integrity ------------------------------------------------------------------------------


def _open(data: bytes, mime: str) -> Image.Image:
    """Open lazily (headers only) with exactly the decoder the sniffed type calls for."""
    try:
        return Image.open(io.BytesIO(data), formats=[_PIL_FORMATS.get(mime, "HEIF")])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # The warning arrives as an exception when warnings are escalated to errors.
        raise PhotoRejected("too_many_pixels") from exc
    except MemoryError:
        raise
    except Exception as exc:
        # Decoders raise many types on hostile input; to the caller all of them mean "corrupt".
        raise PhotoRejected("corrupt") from exc


def _decode(action: Literal["verify", "load"], image: Image.Image) -> None:
    """Run verify() or load(), turning any decoder failure into a `corrupt` rejection."""
    try:
        image.verify() if action == "verify" else image.load()
    except MemoryError:
        raise
    except Exception as exc:
        raise PhotoRejected("corrupt") from exc


# --- metadata -------------------------------------------------------------------------------

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
_GPS_LAT_REF, _GPS_LAT, _GPS_LNG_REF, _GPS_LNG, _GPS_H_ERROR = 1, 2, 3, 4, 31
_DATETIME_RE: Final = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET_RE: Final = re.compile(r"([+-])(\d{2}):(\d{2})")


try:
    _SHANGHAI: tzinfo = ZoneInfo("Asia/Shanghai")
except ZoneInfoNotFoundError:  # a slim host without tzdata: China has no DST, +08:00 is exact
    _SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return value.strip("\x00 \t\r\n") if isinstance(value, str) else None


def _number(value: object) -> float | None:
    """A finite float from an EXIF rational; 0/0 and x/0 (NaN in Pillow) give None."""
    if not isinstance(value, numbers.Real):  # Pillow's IFDRational is a numbers.Rational
        return None
    try:
        number = float(value)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _taken_at(raw: object, raw_offset: object) -> datetime | None:
    """DateTimeOriginal as an aware datetime; phones without OffsetTimeOriginal are in China."""
    text = _text(raw)
    match = _DATETIME_RE.fullmatch(text) if text else None
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = map(int, match.groups())
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None  # "0000:00:00 00:00:00" and friends
    if not 2000 <= naive.year <= datetime.now(UTC).year + 1:
        return None  # unset camera clocks say 1970 or 2099: not a usable capture time
    zone: tzinfo = _SHANGHAI
    offset_text = _text(raw_offset)
    offset = _OFFSET_RE.fullmatch(offset_text) if offset_text else None
    if offset and int(offset[2]) <= 14 and int(offset[3]) < 60:
        sign = -1 if offset[1] == "-" else 1
        zone = timezone(sign * timedelta(hours=int(offset[2]), minutes=int(offset[3])))
    return naive.replace(tzinfo=zone)


def _degrees(value: object) -> float | None:
    parts = value if isinstance(value, tuple | list) else (value,)
    if not 1 <= len(parts) <= 3:
        return None
    numbers = [number for part in parts if (number := _number(part)) is not None and number >= 0]
    if len(numbers) != len(parts):
        return None
    d, m, s = ([*numbers, 0.0, 0.0])[:3]
    return None if m >= 60 or s >= 60 else d + m / 60 + s / 3600


def _signed(value: float | None, ref: object, negative: str, positive: str) -> float | None:
    letter = (_text(ref) or "")[:1].upper()
    if value is None or letter not in ("", negative, positive):
        return None
    # A missing ref breaks the spec, but some writers omit it; our photos are all N/E anyway.
    return -value if letter == negative else value


def _gps(gps: dict[int, object]) -> LatLng | None:
    lat = _signed(_degrees(gps.get(_GPS_LAT)), gps.get(_GPS_LAT_REF), "S", "N")
    lng = _signed(_degrees(gps.get(_GPS_LNG)), gps.get(_GPS_LNG_REF), "W", "E")
    if lat is None or lng is None or abs(lat) > 90 or abs(lng) > 180:
        return None
    if lat == 0 and lng == 0:
        return None  # "Null Island": a receiver that had no fix
    return (round(lat, 7), round(lng, 7))


def _metadata(image: Image.Image) -> tuple[datetime | None, LatLng | None, float | None]:
    """Capture time, position and accuracy; unreadable metadata never rejects evidence."""
    try:
        exif = image.getexif()
        exif_ifd, gps_ifd = exif.get_ifd(_EXIF_IFD), exif.get_ifd(_GPS_IFD)
        taken = _taken_at(exif_ifd.get(_DATETIME_ORIGINAL), exif_ifd.get(_OFFSET_TIME_ORIGINAL))
        position = _gps(gps_ifd)
        accuracy = _number(gps_ifd.get(_GPS_H_ERROR))
    except Exception:
        return None, None, None  # malformed EXIF: the pixels are still the evidence
    accuracy = accuracy if position and accuracy is not None and accuracy >= 0 else None
    return taken, position, accuracy


# --- derivatives ----------------------------------------------------------------------------

_SRGB: Final = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_WHITE: Final = (255, 255, 255)


def _fit(size: tuple[int, int], longest: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, longest / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


# EXIF orientation → the transpose that shows the scene upright (as ImageOps.exif_transpose).
_TRANSPOSE: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_SIDES: Final = frozenset(_TRANSPOSE[o] for o in (5, 6, 7, 8))  # 90° turns


def _orientation(image: Image.Image) -> Image.Transpose | None:
    """How to turn the stored pixels upright; applied to the small copies, never the original."""
    try:
        return _TRANSPOSE.get(image.getexif().get(ExifTags.Base.Orientation, 1))
    except Exception:
        return None  # an unreadable orientation tag: keep the pixels as stored


def _normalise_mode(image: Image.Image) -> Image.Image:
    """RGB, RGBA, L or CMYK: the modes that resize and colour-manage cleanly."""
    if image.mode in ("RGB", "RGBA", "L", "CMYK"):
        return image
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    has_alpha = "A" in image.mode or "a" in image.mode or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert to sRGB pixels (the profile itself is dropped: it can identify a device)."""
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            # Most Android phones tag plain sRGB: converting it would change nothing but cost.
            if "srgb" not in ImageCms.getProfileDescription(source).lower():
                mode = "RGBA" if image.mode == "RGBA" else "RGB"
                image = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: show the pixels unconverted
    if image.mode == "RGBA":
        flat = Image.new("RGBA", image.size, (*_WHITE, 255))
        return Image.alpha_composite(flat, image).convert("RGB")
    return image.convert("RGB") if image.mode != "RGB" else image


def _jpeg(image: Image.Image) -> bytes:
    image.info = {}  # Pillow would carry e.g. a COM comment from info into the new file
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    return out.getvalue()


# --- the pipeline ---------------------------------------------------------------------------


def process_photo(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_decode_bytes: int = DEFAULT_MAX_DECODE_BYTES,
) -> ProcessedPhoto:
    """Check an upload and make its clean derivatives, or raise PhotoRejected.

    Checks run cheapest first, and the pixel and decode-memory limits are applied from the
    header before any pixel is decoded. Pillow's own guard (2 × Image.MAX_IMAGE_PIXELS) also
    caps `max_pixels`. `max_decode_bytes` bounds the peak memory one photo may take.
    """
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # a global other code may flip: never for evidence
    if not data:
        raise PhotoRejected("empty")
    if len(data) > max_bytes:
        raise PhotoRejected("too_large", f"{max_bytes / 1024 / 1024:g} MB")
    mime = sniff(data)
    if mime is None:
        raise PhotoRejected("unsupported_type")

    image = _open(data, mime)
    width, height = image.size
    if width < 1 or height < 1:
        raise PhotoRejected("corrupt")
    if width * height > max_pixels:
        raise PhotoRejected("too_many_pixels", f"{max_pixels / 1e6:g} MP")

    if mime in ("image/heic", "image/heif") and not heif_is_complete(data):
        raise PhotoRejected("corrupt")  # libheif would fill missing tiles with garbage
    _decode("verify", _open(data, mime))  # structure and CRCs (PNG) on a separate handle
    if mime == "image/jpeg":
        if not jpeg_is_complete(data):
            raise PhotoRejected("corrupt")
        # libjpeg decodes straight to 1/2, 1/4 or 1/8 scale: the derivatives need no more.
        image.draft("RGB", _fit(image.size, DISPLAY_MAX_SIDE))
    if decode_cost(image, mime, full_size=(width, height)) > max_decode_bytes:
        raise PhotoRejected("image_too_costly", f"{max_decode_bytes / MiB:g} MB")
    _decode("load", image)

    taken_at, gps, accuracy = _metadata(image)
    icc = image.info.get("icc_profile")
    turn = _orientation(image)
    if turn in _SWAPS_SIDES:
        width, height = height, width

    normal = _normalise_mode(image)
    # reducing_gap: an integer box reduction first, then Lanczos over the last factor of three
    # (indistinguishable from plain Lanczos, and no full-size intermediate on a large image).
    shrunk = normal.resize(
        _fit(normal.size, DISPLAY_MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0
    )
    del normal, image  # the full-size pixels: free them before encoding
    display = _to_srgb(shrunk.transpose(turn) if turn is not None else shrunk, icc)
    thumb = display.resize(
        _fit(display.size, THUMB_MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0
    )
    return ProcessedPhoto(
        sha256=hashlib.sha256(data).hexdigest(),
        mime=mime,
        size=len(data),
        width=width,
        height=height,
        taken_at=taken_at,
        gps=gps,
        gps_accuracy_m=accuracy,
        phash=str(imagehash.phash(thumb)),  # it shrinks to 32 × 32 anyway: start small
        display=_jpeg(display),
        thumbnail=_jpeg(thumb),
    )


_PHASH_RE: Final = re.compile(r"[0-9a-f]+")


def hamming(a: str, b: str) -> int:
    """Number of differing bits between two phash hex strings (0 = same picture)."""
    a, b = a.lower(), b.lower()
    if len(a) != len(b) or not _PHASH_RE.fullmatch(a) or not _PHASH_RE.fullmatch(b):
        raise ValueError(f"not two phash hex strings of equal length: {a!r}, {b!r}")
    return int(imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b))
