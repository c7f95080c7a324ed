"""One JSON error shape everywhere: {"code", "status", "message", "errors"}.

`code` is a stable machine word (e.g. "not_found"), `status` the HTTP status number, `message` a
human sentence, `errors` details (field → messages, or a list); never a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Flask, Response, jsonify
from flask_smorest import Api
from sqlalchemy.exc import DataError, DBAPIError, StatementError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

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
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


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
    errors = ma.fields.Raw()


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
        "errors": errors if errors is not None else {},
    }
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _http_message(error: HTTPException) -> str:
    if error.code == 413:
        return "请求体过大 (request body too large)"
    return error.description or error.name


class WuhaoApi(Api):
    """flask-smorest Api whose errors use our shape."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        data = getattr(error, "data", None) or {}
        errors = data.get("errors", data.get("messages"))
        # webargs nests errors by location ({"json": {...}}); one level is enough for clients.
        if isinstance(errors, dict) and len(errors) == 1:
            ((location, inner),) = errors.items()
            if location in {"json", "query", "form", "files", "headers", "view_args"}:
                errors = inner
        message = data.get("message") or _http_message(error)
        if error.code == 422 and not data.get("message"):
            message = "输入无效 (invalid input)"
        if error.code == 400 and errors == ["Invalid JSON body."]:
            message = "请求体不是有效的 JSON (malformed JSON body)"
        return error_response(error.code or 500, message, errors, headers=data.get("headers") or {})


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
