"""Images made in code that are cheap to send but costly to decode, and crash-shaped headers.

Within the pixel limit, what decoding costs depends on the format: a one-colour lossless WebP is
a few hundred bytes on the wire and hundreds of megabytes in memory. Cached: the API tests send
the same files on both databases.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from collections.abc import Callable

from PIL import Image

from backend.config import load_config
from backend.photos import pipeline
from backend.photos.cost import decode_cost
from tests.photos import images as img

# The two files of the issue report (both within the 40 MP limit).
WEBP_SIZE = (16383, 2441)  # 39 990 903 pixels
PNG16_SIZE = (6000, 6600)  # 39 600 000 pixels


@functools.cache
def lossless_webp(size: tuple[int, int] = WEBP_SIZE, mode: str = "RGB") -> bytes:
    """One colour, lossless: about 1.5 KB whatever the size."""
    return img.webp_bytes(Image.new(mode, size, (40, 90, 200, 160)[: len(mode)]), lossless=True)


@functools.cache
def raw_png(size: tuple[int, int] = PNG16_SIZE, depth: int = 16, colour_type: int = 6) -> bytes:
    """A valid PNG of all-zero rows (16-bit RGBA by default): a few hundred KB on the wire."""
    width, height = size
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    row = b"\x00" * (1 + width * channels * depth // 8)
    packer = zlib.compressobj(6)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return _png(_ihdr(size, depth, colour_type), body)


def png_header(size: tuple[int, int], depth: int = 16, colour_type: int = 6) -> bytes:
    """Just the header of `raw_png` (an empty IDAT): enough to open, not to decode."""
    return _png(_ihdr(size, depth, colour_type), b"")


def _ihdr(size: tuple[int, int], depth: int, colour_type: int) -> bytes:
    return struct.pack(">IIBBBBB", *size, depth, colour_type, 0, 0, 0)


def _png(header: bytes, body: bytes) -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n"
        + img.png_chunk(b"IHDR", header)
        + img.png_chunk(b"IDAT", body)
        + img.png_chunk(b"IEND", b"")
    )


@functools.cache
def grid_heic(size: tuple[int, int] = (512, 384), tile: int = 128) -> bytes:
    """A HEIC made of tiles, as iPhones write them (libheif decodes missing tiles as garbage)."""
    out = io.BytesIO()
    img.photo_pixels(size, seed=3).save(out, "HEIF", quality=60, tile_size=tile)
    return out.getvalue()


def cut(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)]


def heic_with_cut_mdat(data: bytes, fraction: float = 0.7) -> bytes:
    """Cut inside the media data, then shrink the `mdat` box to fit: only `iloc` shows the loss."""
    at = data.rfind(b"mdat") - 4
    end = at + int((len(data) - at) * fraction)
    return data[:at] + struct.pack(">I", end - at) + data[at + 4 : end]


# --- crash-shaped headers ------------------------------------------------------------------


def png_zero_width() -> bytes:
    return _png(struct.pack(">IIBBBBB", 0, 100, 8, 2, 0, 0, 0), zlib.compress(b"\x00"))


def png_sixteen_bit_palette() -> bytes:
    """Colour type 3 (palette) allows at most 8 bits per sample."""
    return _png(struct.pack(">IIBBBBB", 64, 64, 16, 3, 0, 0, 0), zlib.compress(b"\x00" * 8256))


def jpeg_with_sof(patch: bytes, at: int) -> bytes:
    """A small JPEG whose frame header has `patch` written `at` bytes past the SOF marker."""
    data = img.jpeg_bytes(img.photo_pixels((64, 48)))
    sof = data.find(b"\xff\xc0")
    return data[: sof + at] + patch + data[sof + at + len(patch) :]


def jpeg_zero_sampling() -> bytes:
    return jpeg_with_sof(b"\x00", 11)  # first component: 0 × 0 sampling factors


def jpeg_zero_components() -> bytes:
    return jpeg_with_sof(b"\x00", 9)


def webp_canvas_larger_than_frame() -> bytes:
    """A VP8X canvas of 16383 × 2441 around a 64 × 48 lossless frame."""
    frame = img.webp_bytes(img.photo_pixels((64, 48)), lossless=True)[12:]  # the VP8L chunk
    width, height = WEBP_SIZE
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x00" * 4
    vp8x += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"WEBP" + vp8x + frame
    return b"RIFF" + struct.pack("<I", len(body)) + body


def heic_zero_size() -> bytes:
    return img.with_heic_dimensions(img.heic_bytes(img.photo_pixels((64, 48))), 0, 0)


# --- the worst accepted files ---------------------------------------------------------------

BUDGET = load_config()["PHOTO_MAX_DECODE_BYTES"]


def _estimate(data: bytes) -> int:
    mime = pipeline.sniff(data)
    image = pipeline._open(data, mime)
    full = image.size
    if mime == "image/jpeg":
        image.draft("RGB", pipeline._fit(image.size, pipeline.DISPLAY_MAX_SIDE))
    return decode_cost(image, mime, full_size=full)


def _tallest_within_budget(width: int, header_only: Callable[[int, int], bytes]) -> int:
    """The greatest height whose estimate fits the budget (searched on header-only files)."""
    low, high = 1, 40_000_000 // width
    while low < high:
        middle = (low + high + 1) // 2
        if _estimate(header_only(width, middle)) <= BUDGET:
            low = middle
        else:
            high = middle - 1
    return low


def _webp_rgba(width: int, height: int) -> bytes:
    return lossless_webp((width, height), "RGBA")


def _webp_rgba_header(width: int, height: int) -> bytes:
    return img.with_webp_lossless_dimensions(lossless_webp((64, 64), "RGBA"), width, height)


def _png_header(depth: int, colour_type: int) -> Callable[[int, int], bytes]:
    return lambda width, height: png_header((width, height), depth, colour_type)


def _progressive_444(width: int, height: int) -> bytes:
    picture = Image.new("RGB", (width, height), (90, 140, 60))
    return img.jpeg_bytes(picture, progressive=True, subsampling=0)


def _progressive_444_header(width: int, height: int) -> bytes:
    return img.with_jpeg_dimensions(_progressive_444(64, 48), width, height)


def worst_accepted() -> dict[str, bytes]:
    """Per costly kind, the largest file whose estimate fits the configured decode budget."""
    webp_height = _tallest_within_budget(4000, _webp_rgba_header)
    png_height = _tallest_within_budget(6000, _png_header(16, 6))
    grey_height = _tallest_within_budget(6000, _png_header(16, 0))
    jpeg_height = _tallest_within_budget(7300, _progressive_444_header)
    return {
        f"webp_lossless_rgba_4000x{webp_height}": _webp_rgba(4000, webp_height),
        f"png_16bit_rgba_6000x{png_height}": raw_png((6000, png_height), 16, 6),
        f"png_16bit_grey_6000x{grey_height}": raw_png((6000, grey_height), 16, 0),
        f"jpeg_progressive_444_7300x{jpeg_height}": _progressive_444(7300, jpeg_height),
    }
