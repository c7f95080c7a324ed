"""/open311: the discovery document and the GeoReport v2 endpoints under /v2.

The format is the extension (`services.json`, `services.xml`). Keys are needed only to POST.
Errors here are the standard's list of `{code, description}` (see formats.py for why): raised
here as Open311Error, or answered by the app in Wuhao's shape (routing, body limits, database
trouble) and reshaped on the way out by `_standard_errors`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, request, url_for
from flask_smorest import Blueprint
from werkzeug.exceptions import MethodNotAllowed, NotFound

from backend.open311 import catalog, revisit, services
from backend.open311.apidoc import operation_doc
from backend.open311.formats import (
    FORMATS,
    Open311Error,
    error_descriptions,
    render,
    render_error,
)
from backend.open311.forms import posted_values
from backend.open311.schemas import parse_locale, parse_query, request_id

blp = Blueprint(
    "open311",
    __name__,
    url_prefix="/open311",
    description="Open311 GeoReport v2 for complaint hotlines (12345, 易安居, 民心网 …)",
)


def formats(rule: str, **options: Any) -> Callable[[Callable[..., Response]], Any]:
    """Route `rule.json` and `rule.xml` to one view, which gets `fmt`. (Literal extensions
    rather than a converter, so the OpenAPI document lists both paths as they are.)"""

    def decorator(view: Callable[..., Response]) -> Callable[..., Response]:
        for fmt in FORMATS:
            endpoint = f"{view.__name__}_{fmt}"
            blp.route(f"{rule}.{fmt}", endpoint=endpoint, defaults={"fmt": fmt}, **options)(
                _documented(view, fmt)
            )
        return view

    return decorator


def _documented(view: Callable[..., Response], fmt: str) -> Callable[..., Response]:
    """`view` with the OpenAPI description of its `fmt` answers (one per format)."""

    @functools.wraps(view)
    def routed(*args: Any, **kwargs: Any) -> Response:
        return view(*args, **kwargs)

    routed._apidoc = {"manual_doc": operation_doc(view.__name__, fmt)}  # type: ignore[attr-defined]
    return routed


def _locale() -> str:
    """`locale=en|zh`, else Accept-Language; Chinese by default."""
    asked = parse_locale(request.args)
    if asked is not None:
        return asked
    return request.accept_languages.best_match(["zh", "en"], default="zh") or "zh"


@blp.before_request
def _check_locale() -> None:
    """Every operation documents `locale`: a malformed one is a 400 wherever it comes."""
    parse_locale(request.args)


@blp.errorhandler(Open311Error)
def _open311_error(error: Open311Error) -> Response:
    return render_error(error, (request.view_args or {}).get("fmt"))


@formats("/discovery")
def discovery(fmt: str) -> Response:
    """The service discovery document: where the GeoReport v2 endpoint is and what it speaks."""
    endpoint = url_for("open311.services_list_json", _external=True).rsplit("/", 1)[0]
    return render(services.discovery(endpoint), fmt, "discovery")


@formats("/v2/services")
def services_list(fmt: str) -> Response:
    """Services: one per category of the active checklists (group = the area)."""
    locale = _locale()
    found = [service.summary(locale) for service in catalog.catalog().values()]
    return render(found, fmt, "services")


@formats("/v2/services/<service_code>")
def service_definition(service_code: str, fmt: str) -> Response:
    """A service's attributes (`item_code` when the category has several checklist items)."""
    definition = catalog.get_service(service_code).definition(_locale())
    return render(definition, fmt, "service_definition")


@formats("/v2/requests", methods=["POST"])
def post_request(fmt: str) -> Response:
    """File a complaint (form-encoded: api_key, service_code, lat+long or address_string,
    description ≤ 4000, email/first_name/last_name/phone, media_url, attribute[code]). It becomes
    a routed, dispatched ticket. An identical post from the same key within 10 minutes answers
    the first request again (200) instead of creating another (201)."""
    record, created = services.file_request(posted_values(request))
    answer = services.filed_answer(record, _locale())
    return render(answer, fmt, "service_requests", 201 if created else 200)


@formats("/v2/requests")
def list_requests(fmt: str) -> Response:
    """Complaint tickets (no key needed; the filing channel's key adds its 回访 fields):
    service_request_id (comma list; overrides the rest),
    service_code, status (open, closed), start_date/end_date (W3C; at most 90 days apart).
    By default the last 90 days, newest first, at most 1000. No personal data."""
    channel = revisit.reading_channel(request.args)  # the filing channel reads its 回访
    tickets = services.find_requests(parse_query(request.args))
    extra = revisit.extension_fields(tickets, channel)
    return render(services.public_requests(tickets, _locale(), extra), fmt, "service_requests")


@formats("/v2/requests/<service_request_id>")
def get_request(service_request_id: str, fmt: str) -> Response:
    """One complaint ticket, as a one-element list (the standard's shape)."""
    channel = revisit.reading_channel(request.args)
    ticket = services.get_request(request_id(service_request_id))
    extra = revisit.extension_fields([ticket], channel)
    return render(services.public_requests([ticket], _locale(), extra), fmt, "service_requests")


@formats("/v2/requests/<service_request_id>/revisit", methods=["POST"])
def post_revisit(service_request_id: str, fmt: str) -> Response:
    """回访 collected by the hotline by phone, for a request this channel filed (form-encoded:
    api_key, resolved=true|false, rating=1–5, comment ≤ 1000). 201 recorded; 200 the same
    answer again; 409 answered already, not closed, or after the window."""
    values = posted_values(request)
    channel = services.channel_for(values.get("api_key"))
    given = revisit.parse_answer(values)
    ticket = services.get_request(request_id(service_request_id))
    row, created = revisit.post_answer(ticket, channel, given)
    answer = {"service_request_id": ticket.code, **revisit.answer_fields(row)}
    answer["revisit_status"] = revisit.revisits.visit(ticket).status.value
    return render([answer], fmt, "service_requests", 201 if created else 200)


@formats("/v2/tokens/<token>")
def get_token(token: str, fmt: str) -> Response:
    """The service_request_id of a token (requests are created at once, so it always resolves)."""
    return render(services.token_answer(token), fmt, "service_requests")


# Headers of an error answer that a client needs (RFC 9110 Allow on 405, Retry-After on 503).
KEPT_HEADERS = ("Allow", "Retry-After")


@blp.after_app_request
def _standard_errors(response: Response) -> Response:
    """Any error under /open311/ that the app answered in Wuhao's shape (unknown paths, methods,
    oversized bodies, 422s, database trouble, 500) becomes the standard's list, in the format of
    the path's extension (JSON unless it ends in .xml). Headers already set stay."""
    if response.status_code < 400 or not request.path.startswith(f"{blp.url_prefix}/"):
        return response
    body = response.get_json(silent=True) if response.is_json else None
    if not isinstance(body, dict) or "status" not in body:
        return response  # already the standard's list
    routing = request.routing_exception
    if isinstance(routing, MethodNotAllowed):
        allowed = ", ".join(sorted(routing.valid_methods or ()))
        descriptions = [f"method {request.method} not allowed here (allowed: {allowed})"]
    elif isinstance(routing, NotFound):
        descriptions = [f"no such Open311 resource: {request.path}"]
    else:
        descriptions = list(error_descriptions(body.get("errors"))) or [str(body.get("message"))]
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    if response.status_code == 405 and "Allow" not in headers and routing is not None:
        headers["Allow"] = ", ".join(sorted(getattr(routing, "valid_methods", None) or ()))
    fmt = "xml" if request.path.endswith(".xml") else "json"
    answer = render_error(Open311Error(response.status_code, *descriptions), fmt)
    response.set_data(answer.get_data())
    response.status_code = answer.status_code
    response.content_type = answer.content_type
    response.headers.update(headers)
    return response
