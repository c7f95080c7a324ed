"""What decoding a photo really costs, estimated from its header before any pixel is decoded.

Pixels alone are a poor bound: a 40 MP lossless WebP of one colour is a few hundred bytes on the
wire, but libwebp, Pillow and our own working copies hold it four times over. The estimate is
(decoded pixels × bytes each copy holds per pixel, summed over the copies alive at the peak)
plus what the codec keeps beside them. The figures per pixel were measured as peak RSS growth
of one process_photo in a fresh process (section 3 of bench/photo_ingest.py prints them again)
and rounded up; tests/photos/test_decode_budget.py checks that the estimate stays above what
the worst accepted files really take.
"""

from __future__ import annotations

from typing import Final

from PIL import Image

MiB: Final = 1024 * 1024
DEFAULT_MAX_DECODE_BYTES: Final = 300 * MiB

# Encoders, the small derivatives and allocator slack: independent of the picture's size.
# 24 MiB was measured on one machine; CI once saw a small JPEG take 51 KB more, so keep headroom.
_FIXED: Final = 32 * MiB

# Bytes per decoded pixel held by the codec beside Pillow's own image, at the peak.
_CODEC: Final[dict[str, float]] = {
    "image/jpeg": 0.5,  # libjpeg works a few MCU rows at a time (progressive: see below)
    "image/png": 0.5,  # zlib window and two rows
    # WebPAnimDecoder keeps the canvas and the previous frame and Pillow copies the frame into
    # a bytes object: 12 bytes beside Pillow's 4, lossy or lossless alike (measured 16.3).
    "image/webp": 12.5,
    # libheif: the 4:2:0 planes of the tiles and the interleaved RGB(A) output (measured 8.3
    # in all for a 12 MP grid HEIC).
    "image/heic": 5.0,
    "image/heif": 5.0,
}
_HIGH_BIT_DEPTH_EXTRA: Final = 6.0  # HEIF > 8 bit: 16-bit planes and output before 8-bit

# A progressive JPEG keeps every DCT coefficient (2 bytes per sample) of the full-size image
# until its last scan, whatever draft() scale the output is decoded at.
_PROGRESSIVE_PER_SAMPLE: Final = 2.2


def _pillow_bytes(mode: str) -> int:
    """Bytes per pixel of a Pillow image in this mode (RGB and LA are stored 4 bytes wide)."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


def _working_copies(mode: str) -> float:
    """Full-size copies the pipeline makes on top of the decoded image, per pixel."""
    if mode.startswith("I;16") or mode in ("I", "F"):
        return 4 + 4 + 1  # convert("I"), point(), convert("L") alive together
    if mode in ("RGB", "L", "CMYK"):
        return 1.5  # Lanczos: a 1600-px-wide pass over all rows (after reduce(), if any)
    if mode == "RGBA":
        return 4 + 1.5  # premultiplied (RGBa) for resampling; measured 10.2 in all for PNG
    # Palette, 1-bit and LA images are converted to RGB or RGBA first, then as above.
    return 4 + 4 + 1.5


def _jpeg_samples(image: Image.Image) -> float:
    """Coded samples per pixel: 1.5 for 4:2:0 YCbCr, 3 for 4:4:4, 4 for CMYK."""
    layers = getattr(image, "layer", None) or []  # (id, h_sampling, v_sampling, table)
    if not layers:
        return float(len(image.getbands()))
    h_max = max(1, *(layer[1] for layer in layers))
    v_max = max(1, *(layer[2] for layer in layers))
    return sum(max(1, layer[1]) * max(1, layer[2]) for layer in layers) / (h_max * v_max)


def decode_cost(image: Image.Image, mime: str, full_size: tuple[int, int] | None = None) -> int:
    """Estimated peak bytes to decode `image` (opened, and drafted for JPEG) and derive from it.

    `full_size` is the size in the header when draft() made the decoded size smaller.
    """
    width, height = image.size
    pixels = width * height
    per_pixel = _pillow_bytes(image.mode) + _working_copies(image.mode) + _CODEC[mime]
    if mime in ("image/heic", "image/heif") and int(image.info.get("bit_depth") or 8) > 8:
        per_pixel += _HIGH_BIT_DEPTH_EXTRA
    extra = 0.0
    if mime == "image/jpeg" and image.info.get("progressive"):
        full_width, full_height = full_size or image.size
        extra = full_width * full_height * _jpeg_samples(image) * _PROGRESSIVE_PER_SAMPLE
    return int(_FIXED + pixels * per_pixel + extra)
