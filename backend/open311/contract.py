"""What Open311 input must look like: one set of patterns, checked by schemas.py and stated in
the OpenAPI document by apidoc.py, so that the two cannot disagree (schemathesis holds them to
it). Patterns are written so that ECMA-262 (JSON Schema) and Python read them alike; the server
matches a whole value (`matches`), as JSON Schema's ^…$ does.
"""

from __future__ import annotations

import re

from backend.text import PATTERN as TEXT

TEXT_NOT_EMPTY = TEXT.removesuffix("*$") + "+$"
NUMBER = r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
EMAIL = r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*$"
URL = r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?([/?#][!-~]*)?$"
# A real calendar date of 2000–2099 (every fourth year is a leap year in that range), then an
# optional time and offset: the W3C datetimes the standard uses.
_DAY = (
    r"(20[0-9]{2}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
    r"|02-(0[1-9]|1[0-9]|2[0-8]))|20(0[48]|[2468][048]|[13579][26])-02-29)"
)
_TIME = (
    r"(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?"
)
DATETIME = f"^{_DAY}{_TIME}$"
_ID = r"(ZG[0-9]{8}-)?0*[0-9]{1,12}"
REQUEST_ID = f"^{_ID}$"
REQUEST_IDS = f"^{_ID}(,{_ID})*$"
STATUSES = r"^(open|closed)(,(open|closed))*$"
LOCALE = r"^([Zz][Hh]|[Ee][Nn])([-_][A-Za-z0-9]{1,8})*$"
# 回访 posted by a hotline: solved or not, and a rating of 1–5 (backend/open311/revisit.py).
RESOLVED = r"^(true|false)$"
RATING = r"^[1-5]$"
ATTRIBUTE_KEY = r"^attribute\[([A-Za-z0-9_.\-]{1,64})\](\[\])?$"
# Some character that survives the text policy's cleaning and Python's strip() (unanchored).
_SPACES = (
    r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
NOT_BLANK = "[^" + _SPACES + TEXT.removeprefix("^[^").removesuffix("]*$") + "]"


def matches(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value) is not None


def has_text(value: str) -> bool:
    return re.search(NOT_BLANK, value) is not None
