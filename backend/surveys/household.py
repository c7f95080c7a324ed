"""A household as residents write it (楼号, 单元, 室号) → one key, whatever the spelling.

"３号楼 2单元 501室", "3栋2-501" split into fields, "3 / 二 / 501": residents type in many ways.
Full-width characters become half-width, the words 号/楼/栋/幢/座/单元/室/户 and spaces go,
Chinese numerals up to ten become digits, letters become capitals. What is left must be a short
run of letters, digits and dashes; anything else is refused with the field named.
"""

from __future__ import annotations

import re
import unicodedata

_WORDS = re.compile(r"号楼|单元|[号楼栋幢座室户门\s]")
_NUMERALS = str.maketrans("一二三四五六七八九", "123456789")
_PART = re.compile(r"^[0-9A-Z][0-9A-Z-]{0,7}$")
FIELDS = ("building", "unit", "room")


def normalise(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).upper()
    text = _WORDS.sub("", text).translate(_NUMERALS).replace("十", "10")
    return text.strip("-")


def household_key(building: str, unit: str, room: str) -> tuple[str | None, dict[str, list[str]]]:
    """The key ("3-2-501"; unit "0" when the building has none) or the problems by field."""
    parts = {"building": normalise(building), "unit": normalise(unit), "room": normalise(room)}
    problems: dict[str, list[str]] = {}
    for name, part in parts.items():
        if not part and name == "unit":
            continue
        if not part:
            problems[name] = ["请填写 (required)"]
        elif not _PART.match(part):
            problems[name] = ["请只填写数字或字母,如 3、B、501 (digits or letters only)"]
    if problems:
        return None, problems
    return f"{parts['building']}-{parts['unit'] or '0'}-{parts['room']}", {}
