"""The one text policy, for every boundary (API, Open311, command-line imports) and every writer.

Text that people type may hold tab and newline, and nothing else below U+0020. Refused (or, where
a standard expects leniency, removed) before storage:
- C0 control characters except tab and newline (a carriage return is a newline: CR LF and lone
  CR are turned into LF first), DEL and the C1 controls U+0080–U+009F;
- lone surrogates (U+D800–U+DFFF: not characters, UTF-8 cannot hold them);
- the non-characters of the first plane (U+FDD0–U+FDEF, U+FFFE, U+FFFF; XML cannot hold the last
  two). Those of the other planes (U+1FFFE …) are left alone: every writer can hold them.

Writers also drop these characters (`clean`), so a row stored before the policy (or written by
raw SQL) can never break an XLSX, CSV, XML, HTML or JSON answer.
"""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup

_C0 = "\x00-\x08\x0b\x0c\x0e-\x1f"
_BMP_RANGES = _C0 + "\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
# Everything the policy refuses; CR is handled by normalising newlines before the check.
FORBIDDEN = re.compile(f"[{_BMP_RANGES}\r]")
_NEWLINES = re.compile(r"\r\n?")


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else char


# The same class for OpenAPI's `pattern` (ECMA-262 and Python read the \\uXXXX escapes alike).
# Lone surrogates are left out of it: no
# UTF-8 request can carry one (only a JSON escape can, which the field still refuses), and regex
# engines that work on code points (Rust's, in schemathesis) refuse a pattern naming them.
PATTERN = "^[^" + "".join(
    f"{_escaped(chr(lo))}-{_escaped(chr(hi))}" if lo != hi else _escaped(chr(lo))
    for lo, hi in (
        (0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F), (0xFDD0, 0xFDEF),
        (0xFFFE, 0xFFFF),
    )
) + "]*$"  # fmt: skip
DESCRIPTION = "不得含控制字符 (no control characters other than tab and newline)"


def normalise_newlines(text: str) -> str:
    return _NEWLINES.sub("\n", text)


def first_forbidden(text: str) -> str | None:
    """'U+0001 at position 4' for the first character the policy refuses, else None."""
    found = FORBIDDEN.search(normalise_newlines(text))
    if found is None:
        return None
    return f"U+{ord(found.group()):04X} at position {found.start() + 1}"


def problem(text: str) -> str | None:
    """The policy's refusal message for `text`, or None when it may be stored."""
    where = first_forbidden(text)
    if where is None:
        return None
    return (
        f"含不允许的字符 (character not allowed: {where}; "
        "no control characters but tab and newline)"
    )


def clean(text: str) -> str:
    """`text` with newlines normalised and every forbidden character removed (lenient inputs,
    and every writer)."""
    return FORBIDDEN.sub("", normalise_newlines(text))


def clean_deep(value: Any) -> Any:
    """`clean` applied to every string inside lists and dicts (keys too), e.g. JSON columns."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list | tuple):
        return type(value)(clean_deep(inner) for inner in value)
    if isinstance(value, dict):
        return {clean_deep(key): clean_deep(inner) for key, inner in value.items()}
    return value


def require_allowed(**values: str | None) -> None:
    """Services' check for text that did not come through a schema (command line, imports):
    422 naming each field that holds a character the policy refuses."""
    from backend.errors import ValidationFailed

    errors = {
        name: [refusal]
        for name, value in values.items()
        if value is not None and (refusal := problem(value)) is not None
    }
    if errors:
        raise ValidationFailed("输入无效 (invalid input)", errors)


def for_html(value: Any) -> Any:
    """Jinja's `finalize` for every {{ expression }}: strings lose what the policy forbids
    (HTML cannot carry control characters either); markup stays markup."""
    if isinstance(value, Markup):
        return Markup(clean(str(value)))
    if isinstance(value, str):
        return clean(value)
    return value


_SURROGATES = re.compile("[\ud800-\udfff]")


class PolicyJSONProvider(DefaultJSONProvider):
    """Flask's JSON with one change: a lone surrogate (JSON can escape one, UTF-8 cannot encode
    it, e.g. an unknown field name echoed back) becomes U+FFFD instead of a failed answer."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return _SURROGATES.sub("\ufffd", super().dumps(obj, **kwargs))


class Text(ma.fields.String):
    """Free text under the policy: newlines normalised, forbidden characters refused (422).

    `single_line=True` also refuses tab and newline (names, codes, titles)."""

    def __init__(self, *args: Any, single_line: bool = False, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata", {})
        pattern = PATTERN.replace("[^", "[^\\t\\n\\r", 1) if single_line else PATTERN
        metadata = {"pattern": pattern, **metadata}
        super().__init__(*args, metadata=metadata, **kwargs)
        self.single_line = single_line

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text is None:
            return text
        text = normalise_newlines(text)
        refusal = problem(text)
        if refusal is None and self.single_line and ("\n" in text or "\t" in text):
            refusal = "只能一行 (a single line: no tab or newline)"
        if refusal is not None:
            raise ma.ValidationError(refusal)
        return text
