"""One JSON error shape everywhere: {"code", "status", "message", "errors"}.

`code` is a stable machine word (e.g. "not_found"), `status` the HTTP status number, `message` a
sentence for people (Chinese first, English in brackets), `errors` an object: field → messages,
naming the field at fault ("body" for the request body as a whole); never a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Flask, Response, current_app, jsonify
from flask_smorest import Api
from flask_smorest.pagination import PaginationMetadataSchema
from sqlalchemy.exc import DataError, DBAPIError, StatementError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "too_many_requests",
    431: "headers_too_large",
    500: "internal_error",
    501: "not_supported",
    503: "unavailable",
}

# What the server says for an HTTP error that carries no message of ours (routing, parsing).
MESSAGES = {
    400: "请求无效 (bad request)",
    401: "需要登录 (authentication required)",
    403: "无权执行此操作 (forbidden)",
    404: "未找到 (not found)",
    405: "不支持此请求方法 (method not allowed)",
    406: "无法提供所要求的格式 (not acceptable)",
    409: "与当前状态冲突 (conflict)",
    412: "前提条件不成立 (precondition failed)",
    413: "请求体过大 (request body too large)",
    414: "网址过长 (URI too long)",
    415: "不支持的内容类型 (unsupported media type)",
    422: "输入无效 (invalid input)",
    428: "缺少前提条件 (precondition required)",
    429: "请求过于频繁 (too many requests)",
    431: "请求头过大 (request header fields too large)",
    500: "服务器内部错误 (internal error)",
    501: "不支持此操作 (not supported)",
    503: "服务暂不可用 (service unavailable)",
}
MALFORMED_JSON = "请求体不是有效的 JSON (malformed JSON body)"
# webargs nests errors by location; the request body's whole-body errors are named "body".
LOCATIONS = {"json": "body", "form": "body", "files": "body", "query": "query",
             "headers": "headers", "view_args": "path"}  # fmt: skip


OUT_OF_RANGE = "数值超出范围 (a number is out of range)"
STALE_MESSAGE = (
    "记录已被他人更新,请刷新后重试 (changed by someone else meanwhile; reload and retry)"
)


class AppError(Exception):
    """A rule said no. Services raise these; the handler turns them into the error shape."""

    status = 400

    def __init__(
        self,
        message: str,
        errors: Any = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors if errors is not None else {}
        self.code = code or CODES.get(self.status, "error")
        self.headers = headers or {}


class BadRequest(AppError):
    status = 400


class Unauthorized(AppError):
    status = 401

    def __init__(self, message: str = "需要登录 (authentication required)", **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="wuhao"'})
        super().__init__(message, **kw)


class Forbidden(AppError):
    status = 403


class NotFound(AppError):
    status = 404


class Conflict(AppError):
    status = 409


class PreconditionFailed(AppError):
    status = 412


class ValidationFailed(AppError):
    status = 422


class TooManyRequests(AppError):
    status = 429


class ErrorSchema(ma.Schema):
    code = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    message = ma.fields.String(required=True)
    errors = ma.fields.Dict(
        required=True,
        keys=ma.fields.String(),
        metadata={"description": "field → messages (a list, or nested objects for nested fields)"},
    )


def error_response(
    status: int,
    message: str,
    errors: Any = None,
    *,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = {
        "code": code or CODES.get(status, "error"),
        "status": status,
        "message": message,
        "errors": errors if isinstance(errors, dict) else field_errors(errors),
    }
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _http_message(error: HTTPException) -> str:
    """Ours for werkzeug's stock texts (English only); a description given on purpose stays."""
    stock = type(error).description
    if error.description and error.description != stock:
        return error.description
    return MESSAGES.get(error.code or 500, error.name)


def field_errors(errors: Any) -> dict[str, Any]:
    """webargs' {location: {field: messages}} as {field: messages}; a location's whole-input
    error (e.g. malformed JSON) under the location's name."""
    if not errors:
        return {}
    if not isinstance(errors, dict):
        return {"body": errors if isinstance(errors, list) else [str(errors)]}
    flat: dict[str, Any] = {}
    for key, inner in errors.items():
        if key in LOCATIONS and isinstance(inner, dict):
            flat.update(inner)
        elif key in LOCATIONS:
            flat[LOCATIONS[key]] = inner
        else:
            flat[key] = inner
    return flat


class WuhaoApi(Api):
    """flask-smorest Api whose errors use our shape."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        data = getattr(error, "data", None) or {}
        errors = field_errors(data.get("errors", data.get("messages")))
        message = data.get("message") or _http_message(error)
        headers = dict(data.get("headers") or {})
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(sorted(error.valid_methods))  # RFC 9110 §15.5.6
        if error.code == 413 and not errors:
            limit = current_app.config.get("MAX_CONTENT_LENGTH")
            errors = {"body": [f"at most {limit} bytes"]}
        if error.code == 400 and errors.get("body") == ["Invalid JSON body."]:
            message = MALFORMED_JSON
            errors = {"body": [MALFORMED_JSON]}
        return error_response(error.code or 500, message, errors, headers=headers)

    def _register_pagination_header(self) -> None:
        # The header's value is JSON text (flask-smorest json.dumps it): say so, so clients parse
        # it and validators do not expect an OpenAPI "simple"-style object.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "分页信息, JSON 文本 (pagination metadata as JSON text)",
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AppError)
    def _app_error(error: AppError) -> Response:
        return error_response(
            error.status, error.message, error.errors, code=error.code, headers=error.headers
        )

    @app.errorhandler(StaleDataError)
    def _stale(error: StaleDataError) -> Response:
        from backend.database import db

        db.session.rollback()  # someone else changed the row since it was read
        return error_response(412, STALE_MESSAGE)

    @app.errorhandler(OverflowError)
    def _overflow(error: OverflowError) -> Response:
        # SQLite's driver refuses integers beyond 64 bits (e.g. ?street_id=10**30): bad input.
        from backend.database import db

        db.session.rollback()
        return error_response(422, OUT_OF_RANGE)

    @app.errorhandler(StatementError)
    def _statement_error(error: StatementError) -> Response:
        # The same overflow, raised while SQLAlchemy converted a parameter (e.g. a date in year 1
        # shifted to UTC).
        from backend.database import db

        db.session.rollback()
        if isinstance(error.orig, OverflowError):
            return error_response(422, OUT_OF_RANGE)
        log.exception("database statement error")
        return error_response(500, "服务器内部错误 (internal error)")

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError) -> Response:
        from backend.database import db

        db.session.rollback()
        if isinstance(error, DataError):
            # PostgreSQL: a value the column type cannot hold (e.g. an id beyond bigint).
            return error_response(422, OUT_OF_RANGE)
        if getattr(error.orig, "sqlstate", None) in RETRYABLE_STATES:
            # The database undid this transaction to let a concurrent one through: nothing was
            # changed, and the same request sent again succeeds.
            log.warning("transaction rolled back by the database: %s", type(error.orig).__name__)
            return error_response(
                503,
                "与同时进行的修改冲突,请稍后重试 (conflicted with a concurrent change, retry)",
                headers={"Retry-After": "1"},
            )
        if error.connection_invalidated or _is_unavailable(error):
            log.warning("database unavailable: %s", type(error.orig).__name__)
            return error_response(
                503,
                "数据库暂不可用,请稍后重试 (database unavailable, retry later)",
                headers={"Retry-After": "5"},
            )
        log.exception("database error")
        return error_response(500, "服务器内部错误 (internal error)")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return app.extensions["wuhao_api"].handle_http_exception(error)
        from backend.database import db

        db.session.rollback()
        log.exception("unhandled error")
        return error_response(500, "服务器内部错误 (internal error)")


# SQLSTATEs that mean "the server is not there right now": connection exceptions (08…),
# operator intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 starting up or
# shutting down) and too many connections (53300). A retry later can succeed.
UNAVAILABLE_STATES = ("57P01", "57P02", "57P03", "53300")
# Serialization failure and deadlock: PostgreSQL rolled the transaction back; a retry can succeed.
RETRYABLE_STATES = ("40001", "40P01")


def _is_unavailable(error: DBAPIError) -> bool:
    state = getattr(error.orig, "sqlstate", None) or ""
    if state.startswith("08") or state in UNAVAILABLE_STATES:
        return True
    text = str(error.orig).lower()
    markers = (
        "connection",
        "terminating",
        "server closed",
        "could not connect",
        "shutting down",
        "starting up",
        "database is locked",
    )
    return any(marker in text for marker in markers)
