"""Test images made in code (no binary fixtures): phone photos, alpha PNGs, HEIC, hostile files."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import numpy as np
import pillow_heif
from PIL import Image, ImageCms, TiffImagePlugin
from PIL.PngImagePlugin import PngInfo

pillow_heif.register_heif_opener()

Rational = TiffImagePlugin.IFDRational
MAKE, MODEL = "WUHAOTESTMAKE", "WUHAOTESTMODEL-X1"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf'
    b'-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    b'xmp:CreatorTool="WUHAOXMPTOOL"/></rdf:RDF></x:xmpmeta>'
)
COMMENT = b"WUHAOCOMMENT inspector Wang"
UNSET: Any = object()  # "leave this EXIF field out"


def photo_pixels(size: tuple[int, int], seed: int = 1, noise: float = 12.0) -> Image.Image:
    """An RGB picture that compresses like a photo: gradients, blobs, edges and sensor noise."""
    width, height = size
    rng = np.random.default_rng(seed)
    y = np.arange(height, dtype=np.float32)[:, None]
    x = np.arange(width, dtype=np.float32)[None, :]
    base = np.empty((height, width, 3), np.float32)
    base[..., 0] = 120 + 80 * np.sin(x / (width / (3 + seed % 5))) * np.cos(y / (height / 2.7))
    base[..., 1] = 110 + 70 * np.cos((x + y) / (width / 4.1))
    base[..., 2] = 100 + 60 * np.sin(y / (height / (2 + seed % 3)))
    for _ in range(12):  # hard-edged blobs so the picture has structure the phash can see
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        r = rng.uniform(0.04, 0.18) * min(width, height)
        top, left = max(0, int(cy - r)), max(0, int(cx - r))
        bottom, right = min(height, int(cy + r) + 1), min(width, int(cx + r) + 1)
        mask = (x[:, left:right] - cx) ** 2 + (y[top:bottom] - cy) ** 2 < r**2
        base[top:bottom, left:right][mask] = rng.uniform(0, 255, 3)
    base += rng.standard_normal(base.shape, dtype=np.float32) * noise
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")


def dms(degrees: float) -> tuple[Rational, Rational, Rational]:
    whole = int(degrees)
    minutes = int((degrees - whole) * 60)
    seconds = round(((degrees - whole) * 60 - minutes) * 60 * 10000)
    return Rational(whole, 1), Rational(minutes, 1), Rational(seconds, 10000)


def make_exif(
    *,
    orientation: int | None = 1,
    taken: Any = "2026:05:01 09:30:00",
    offset: Any = "+08:00",
    gps: Any = (38.914, 121.616),
    accuracy: Any = 4.5,
    user_comment: bytes | None = None,
) -> Image.Exif:
    """EXIF like a phone writes; pass raw tuples/Rationals for gps to write garbage."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = MAKE, MODEL
    if orientation is not None:
        exif[0x0112] = orientation
    sub = exif.get_ifd(0x8769)
    if taken is not UNSET:
        sub[0x9003] = taken
    if offset is not UNSET:
        sub[0x9011] = offset
    if user_comment is not None:
        sub[0x9286] = b"ASCII\x00\x00\x00" + user_comment
    if gps is not UNSET:
        lat, lng = gps
        info = exif.get_ifd(0x8825)
        info[1], info[3] = ("N" if _positive(lat) else "S"), ("E" if _positive(lng) else "W")
        info[2] = dms(abs(lat)) if isinstance(lat, float | int) else lat
        info[4] = dms(abs(lng)) if isinstance(lng, float | int) else lng
        if accuracy is not UNSET:
            info[31] = Rational(round(accuracy * 100), 100)
    return exif


def _positive(value: Any) -> bool:
    return not isinstance(value, float | int) or value >= 0


def jpeg_bytes(image: Image.Image, *, quality: int = 90, **save: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **save)
    return out.getvalue()


def phone_jpeg(
    size: tuple[int, int] = (4000, 3000),
    *,
    image: Image.Image | None = None,
    quality: int = 90,
    seed: int = 1,
    **exif: Any,
) -> bytes:
    """A phone-style JPEG with EXIF (time, GPS, make/model, orientation), XMP, ICC and a COM."""
    picture = image if image is not None else photo_pixels(size, seed)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return jpeg_bytes(
        picture,
        quality=quality,
        exif=make_exif(**exif),
        xmp=XMP,
        icc_profile=icc,
        comment=COMMENT,
    )


def png_bytes(image: Image.Image, **save: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **save)
    return out.getvalue()


def alpha_png(size: tuple[int, int] = (400, 300)) -> bytes:
    """Transparent everywhere but a red square in the middle; carries a text chunk and EXIF."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    w, h = size
    image.paste((255, 0, 0, 255), (w // 4, h // 4, 3 * w // 4, 3 * h // 4))
    text = PngInfo()
    text.add_text("Author", "WUHAOPNGAUTHOR")
    return png_bytes(image, pnginfo=text, exif=make_exif())


def webp_bytes(image: Image.Image, **save: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, "WEBP", **save)
    return out.getvalue()


def heic_bytes(image: Image.Image, **save: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, "HEIF", quality=80, **save)
    return out.getvalue()


# --- orientation ----------------------------------------------------------------------------

RED, GREEN, BLUE, GREY = (220, 20, 20), (20, 200, 20), (20, 20, 220), (128, 128, 128)


def upright_marker(size: tuple[int, int]) -> np.ndarray:
    """Grey picture with red top-left, green top-right and blue bottom-left corner blocks."""
    width, height = size
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[:] = GREY
    bw, bh = width // 5, height // 5
    pixels[:bh, :bw] = RED
    pixels[:bh, -bw:] = GREEN
    pixels[-bh:, :bw] = BLUE
    return pixels


def stored_for_orientation(upright: np.ndarray, orientation: int) -> np.ndarray:
    """What a camera stores for a scene, per the EXIF definition of where row 0 / column 0 lie.

    Written from the spec, not from Pillow, so the test does not check Pillow against itself.
    """
    u = upright
    return {
        1: u,  # row 0 = top, column 0 = left
        2: u[:, ::-1],  # row 0 = top, column 0 = right
        3: u[::-1, ::-1],  # row 0 = bottom, column 0 = right
        4: u[::-1, :],  # row 0 = bottom, column 0 = left
        5: u.transpose(1, 0, 2),  # row 0 = left, column 0 = top
        6: u[:, ::-1].transpose(1, 0, 2),  # row 0 = right, column 0 = top
        7: u[::-1, ::-1].transpose(1, 0, 2),  # row 0 = right, column 0 = bottom
        8: u[::-1, :].transpose(1, 0, 2),  # row 0 = left, column 0 = bottom
    }[orientation]


def oriented_jpeg(orientation: int, size: tuple[int, int] = (3400, 2000)) -> bytes:
    stored = np.ascontiguousarray(stored_for_orientation(upright_marker(size), orientation))
    return jpeg_bytes(Image.fromarray(stored, "RGB"), exif=make_exif(orientation=orientation))


def corner_colours(image: Image.Image) -> dict[str, tuple[int, int, int]]:
    """Mean colour well inside each corner block."""
    rgb = np.asarray(image.convert("RGB"), np.float32)
    h, w = rgb.shape[:2]
    dy, dx = max(1, h // 20), max(1, w // 20)
    boxes = {
        "top_left": rgb[dy : 3 * dy, dx : 3 * dx],
        "top_right": rgb[dy : 3 * dy, w - 3 * dx : w - dx],
        "bottom_left": rgb[h - 3 * dy : h - dy, dx : 3 * dx],
        "bottom_right": rgb[h - 3 * dy : h - dy, w - 3 * dx : w - dx],
    }
    return {name: tuple(int(v) for v in box.reshape(-1, 3).mean(0)) for name, box in boxes.items()}


def close(colour: tuple[int, ...], expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


# --- hostile files --------------------------------------------------------------------------


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A valid 1-bit PNG of all-black rows: ~100 KB on disk, width × height pixels decoded."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", body)
        + png_chunk(b"IEND", b"")
    )


def with_jpeg_dimensions(data: bytes, width: int, height: int) -> bytes:
    """The same JPEG with its frame header claiming another size (a header-only bomb)."""
    for marker in (b"\xff\xc0", b"\xff\xc2"):
        at = data.find(marker)
        if at > 0:
            return data[: at + 5] + struct.pack(">HH", height, width) + data[at + 9 :]
    raise ValueError("no SOF0/SOF2 marker")


def with_heic_dimensions(data: bytes, width: int, height: int) -> bytes:
    """The same HEIC with its `ispe` (coded size) and `clap` (crop) boxes claiming another size."""
    out = bytearray(data)
    at = out.find(b"ispe")
    out[at + 8 : at + 16] = struct.pack(">II", width, height)
    at = out.find(b"clap")
    if at > 0:  # the encoder crops its 8-pixel-aligned coding size to the picture size
        out[at + 4 : at + 36] = struct.pack(">8I", width, 1, height, 1, 0, 1, 0, 1)
    return bytes(out)


def with_webp_lossless_dimensions(data: bytes, width: int, height: int) -> bytes:
    """A lossless WebP whose VP8L header claims another size (14-bit fields, max 16384)."""
    at = data.find(b"VP8L")
    if at < 0:
        raise ValueError("not a lossless WebP")
    bits = int.from_bytes(data[at + 9 : at + 13], "little")
    bits = (bits & ~0x0FFFFFFF) | (width - 1) | ((height - 1) << 14)
    return data[: at + 9] + bits.to_bytes(4, "little") + data[at + 13 :]


def gif_bomb() -> bytes:
    """A GIF whose logical screen is 65535 × 65535."""
    return b"GIF89a" + struct.pack("<HH", 65535, 65535) + b"\x00\x00\x00" + b",\x00" * 4 + b";"


def jpeg_header_markers(data: bytes) -> list[int]:
    """Marker codes of the segments before the first scan (APPn, COM, DQT, SOF …)."""
    markers, pos = [], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return markers


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    """Just an ISO-BMFF ftyp box followed by filler, for sniffing tests."""
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\x00" * 64


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def swapped_primaries_icc() -> bytes:
    """A matrix/TRC RGB display profile whose red and green primaries are swapped.

    Pillow can only make sRGB/LAB/XYZ profiles; this proves colour really is converted (stored
    red must come out green) and that the profile's identifying text is not copied.
    """
    d50_red, d50_green, d50_blue = (
        (0.4361, 0.2225, 0.0139),
        (0.3851, 0.7169, 0.0971),
        (0.1431, 0.0606, 0.7141),
    )
    text = b"WUHAOSWAPPED test profile\x00"
    description = (
        b"desc" + bytes(4) + struct.pack(">I", len(text)) + text + bytes(4 + 4 + 2 + 1 + 67)
    )
    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, 0x0233) + bytes(2)  # gamma 2.2

    def xyz(values: tuple[float, float, float]) -> bytes:
        return b"XYZ " + bytes(4) + b"".join(_s15(v) for v in values)

    tags = [
        (b"desc", description),
        (b"wtpt", xyz((0.9642, 1.0, 0.8249))),
        (b"rXYZ", xyz(d50_green)),
        (b"gXYZ", xyz(d50_red)),
        (b"bXYZ", xyz(d50_blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, blobs = b"", b""
    for signature, body in tags:
        body += bytes(-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(blobs), len(body))
        blobs += body
    size = offset + len(blobs)
    header = (
        struct.pack(">I", size) + b"lcms" + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
        + bytes(12) + b"acsp" + bytes(4 + 4 + 4 + 4 + 8 + 4)
        + _s15(0.9642) + _s15(1.0) + _s15(0.8249) + bytes(4 + 16 + 28)
    )  # fmt: skip
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + blobs
