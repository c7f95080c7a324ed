"""Container-level integrity checks that decoders skip: is every byte an image names present?

JPEG: libjpeg (draft mode or not) accepts a file whose end was lost and zero-padded; the
segment walk below does not.

libheif decodes a grid HEIC whose tiles were cut off by a failed transfer into stripes of
garbage and reports success, so the ISO-BMFF boxes are walked here first: every top-level box
must fit in the file, and every extent the item location box (`iloc`) names must lie inside
the file (or inside the `idat` box it points into).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

Box = tuple[bytes, int, int]  # type, payload start, payload end

_FILE_OFFSETS: Final = 0  # iloc construction_method 0: extents are offsets in the file
_IDAT_OFFSETS: Final = 1  # construction_method 1: offsets inside the meta box's idat


class _Malformed(Exception):
    """A box or field that runs past its container."""


def _boxes(data: bytes, start: int, end: int) -> Iterator[Box]:
    """The boxes in data[start:end]; raises _Malformed when one does not fit."""
    pos = start
    while pos < end:
        if pos + 8 > end:
            raise _Malformed
        size, kind = int.from_bytes(data[pos : pos + 4], "big"), data[pos + 4 : pos + 8]
        header = 8
        if size == 1:  # 64-bit "largesize" follows the type
            if pos + 16 > end:
                raise _Malformed
            size, header = int.from_bytes(data[pos + 8 : pos + 16], "big"), 16
        elif size == 0:  # the box runs to the end of its container
            size = end - pos
        if size < header or pos + size > end:
            raise _Malformed
        yield kind, pos + header, pos + size
        pos += size


class _Reader:
    """Big-endian fields of variable width, bounded by the box they come from."""

    def __init__(self, data: bytes, start: int, end: int) -> None:
        self.data, self.pos, self.end = data, start, end

    def uint(self, width: int) -> int:
        if self.pos + width > self.end:
            raise _Malformed
        value = int.from_bytes(self.data[self.pos : self.pos + width], "big")
        self.pos += width
        return value


def _extents_fit(data: bytes, iloc: Box, idat: Box | None) -> bool:
    _, start, end = iloc
    read = _Reader(data, start, end)
    version = read.uint(1)
    read.uint(3)  # flags
    if version > 2:
        return False
    sizes = read.uint(2)
    offset_size, length_size = sizes >> 12, (sizes >> 8) & 0xF
    base_offset_size, index_size = (sizes >> 4) & 0xF, sizes & 0xF
    id_size = 2 if version < 2 else 4
    for _ in range(read.uint(id_size)):
        read.uint(id_size)  # item_ID
        method = read.uint(2) & 0xF if version in (1, 2) else _FILE_OFFSETS
        read.uint(2)  # data_reference_index
        base = read.uint(base_offset_size)
        for _ in range(read.uint(2)):
            if version in (1, 2) and index_size:
                read.uint(index_size)
            offset, length = base + read.uint(offset_size), read.uint(length_size)
            if method == _FILE_OFFSETS:
                limit = len(data)
            elif method == _IDAT_OFFSETS and idat is not None:
                offset, limit = idat[1] + offset, idat[2]
            elif method == _IDAT_OFFSETS:
                return False
            else:
                continue  # item-offset construction: checked through the item it names
            if offset + length > limit or offset > limit:
                return False
    return True


def heif_is_complete(data: bytes) -> bool:
    """Every top-level box fits in the file and every item's data is present."""
    try:
        top = list(_boxes(data, 0, len(data)))
        meta = next((box for box in top if box[0] == b"meta"), None)
        if meta is None:
            return False
        children = {kind: box for box in _boxes(data, meta[1] + 4, meta[2]) for kind in [box[0]]}
        iloc = children.get(b"iloc")
        return iloc is not None and _extents_fit(data, iloc, children.get(b"idat"))
    except _Malformed:
        return False


# --- JPEG -----------------------------------------------------------------------------------

# In entropy-coded data 0xFF is followed by 0x00 (stuffing), RST0-7, or 0xFF (fill): skip those.
_ENTROPY_MARKER: Final = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
# Markers that may follow a scan in a valid file (progressive tables, next scan, EOI …).
_AFTER_SCAN: Final = frozenset({0xC4, 0xCC, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xFE, *range(0xE0, 0xF0)})


def jpeg_is_complete(data: bytes) -> bool:
    """Walk the JPEG segments to the EOI that ends the primary image.

    libjpeg (draft mode or not) accepts a file whose end was lost and zero-padded, as happens
    with failed transfers; this walk does not. An EXIF thumbnail's EOI is inside APP1: skipped.
    """
    n, pos, seen_scan = len(data), 2, False
    while True:
        if pos >= n or data[pos] != 0xFF:
            return False
        while pos < n and data[pos] == 0xFF:
            pos += 1  # fill bytes
        if pos >= n:
            return False
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            return seen_scan
        if seen_scan and marker not in _AFTER_SCAN:
            return False
        if marker in (0x00, 0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            return False  # no stuffing, TEM, nested SOI or RST outside a scan in a sound file
        if pos + 2 > n:
            return False
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > n:
            return False
        pos += length
        if marker == 0xDA:
            seen_scan = True
            found = _ENTROPY_MARKER.search(data, pos)
            if found is None:
                return False
            pos = found.start()
