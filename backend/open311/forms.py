"""The POST requests body, decoded by the charset it declares.

Older Chinese hotline systems post `application/x-www-form-urlencoded; charset=GBK`, percent-
encoded or even as raw GBK bytes. Werkzeug reads form bodies as UTF-8 only and drops what it
cannot decode silently (the key with it, so a sender got "403 api_key: required"). Here the body
is decoded strictly by its declared charset (UTF-8 by default; GBK and GB2312 are read as their
superset GB18030), and bytes that do not decode are a 400 that says so.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Request
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from backend.open311.formats import Open311Error

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
CHARSETS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "us-ascii": "utf-8",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
}


def _charset(request: Request) -> str:
    declared = (request.mimetype_params.get("charset") or "utf-8").strip().lower()
    codec = CHARSETS.get(declared)
    if codec is None:
        raise Open311Error(
            415, f"charset {declared!r} is not supported (send UTF-8, GBK or GB18030)"
        )
    return codec


def _decoded(raw: bytes, codec: str, charset: str) -> str:
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode(codec)
    except UnicodeDecodeError as error:
        raise Open311Error(
            400, f"request body: bytes that are not {charset} at {error.start} of a field"
        ) from None


def decode_form(body: bytes, codec: str, charset: str = "UTF-8") -> MultiDict[str, str]:
    """`a=1&b=%C0%AC` (or raw bytes in `codec`) → a MultiDict; 400 on undecodable bytes."""
    pairs = []
    for part in body.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        pairs.append((_decoded(name, codec, charset), _decoded(value, codec, charset)))
    return MultiDict(pairs)


def posted_values(request: Request) -> CombinedMultiDict[str, str]:
    """The query string and the form body of a POST, as one MultiDict (query first)."""
    if request.mimetype == MULTIPART:
        return CombinedMultiDict([request.args, request.form])
    body = request.get_data(cache=True)
    if request.mimetype != FORM:
        if body:
            raise Open311Error(415, f"send the fields as {FORM} (not {request.mimetype})")
        return CombinedMultiDict([request.args])
    codec = _charset(request)
    charset = request.mimetype_params.get("charset") or "UTF-8"
    return CombinedMultiDict([request.args, decode_form(body, codec, charset)])
