"""The resident's pages, reached from the QR poster: no account, no scripts (the CSP forbids
them), Chinese first (`?lang=en` for English), usable on any phone browser.

GET /survey/<token> shows the form and gives the phone a device token (a cookie) if it has
none; POST takes the answer (the cookie must be there: a form posted from another site has
none); GET /survey/<token>/poster is the printable A4 poster with the QR code.
"""

from __future__ import annotations

import secrets
from typing import Any

import segno
from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from markupsafe import Markup

from backend.database import db
from backend.errors import AppError, BadRequest
from backend.surveys import services, verification

pages = Blueprint("survey_pages", __name__, url_prefix="/survey", template_folder="templates")
DEVICE_COOKIE = "wuhao_device"
LABELS = {
    "zh": ["很不满意", "不满意", "一般", "满意", "很满意"],
    "en": ["Very poor", "Poor", "Fair", "Good", "Very good"],
}


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "zh"


def _render(template: str, status: int = 200, **context: Any):
    lang = _lang()
    context.setdefault("sms", verification.enabled())
    context.setdefault("sent", None)
    response = make_response(
        render_template(template, lang=lang, labels=LABELS[lang], **context), status
    )
    response.headers["Cache-Control"] = "no-store"  # a form with the phone's own state
    return response


def _missing():
    return _render("surveys/missing.html", 404)


@pages.get("/<token>")
def form(token: str):
    try:
        seen = services.visit(token)
    except AppError:
        return _missing()
    response = _render("surveys/form.html", seen=seen, values={}, errors={}, message=None)
    if not request.cookies.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            max_age=400 * 24 * 3600,
            path="/survey",
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
    return response


@pages.post("/<token>")
def submit(token: str):
    try:
        seen = services.visit(token)
    except AppError:
        return _missing()
    values = {key: request.form.get(key, "") for key in request.form}
    device = request.cookies.get(DEVICE_COOKIE, "")
    if not device:
        error = BadRequest(
            "请扫描海报上的二维码打开本页后再提交 (open this page from the poster's code first)"
        )
        return _render("surveys/form.html", 400, seen=seen, values=values, errors={}, message=error)
    if verification.enabled() and values.get("action") == "send_code":
        return _send_code(seen, values)
    try:
        services.answer(seen, values, device[:64], request.remote_addr)
    except AppError as error:
        db.session.rollback()
        if isinstance(error, verification.WrongCode):
            verification.note_wrong_try(error.code_id)
            db.session.commit()
        values.pop("code", None)
        return _render(
            "surveys/form.html",
            error.status,
            seen=seen,
            values=values,
            errors=error.errors if isinstance(error.errors, dict) else {},
            message=error,
        )
    db.session.commit()
    query = {"lang": "en"} if _lang() == "en" else {}
    return redirect(url_for("survey_pages.thanks", token=token, **query), 303)


def _send_code(seen: services.Visit, values: dict[str, str]):
    """The 获取验证码 button: send a code, then show the same form (what was typed kept)."""
    values.pop("code", None)
    try:
        masked = verification.send_code(
            seen.estate.id,
            seen.period[0],
            values.get("phone", ""),
            services.network_of(request.remote_addr),
        )
    except AppError as error:
        db.session.rollback()
        response = _render(
            "surveys/form.html",
            error.status,
            seen=seen,
            values=values,
            errors=error.errors if isinstance(error.errors, dict) else {},
            message=error,
        )
        response.headers.update(error.headers)
        return response
    db.session.commit()
    minutes = current_app.config["SURVEY_SMS_CODE_MINUTES"]
    return _render(
        "surveys/form.html",
        seen=seen,
        values=values,
        errors={},
        message=None,
        sent={"masked": masked, "minutes": minutes},
    )


@pages.get("/<token>/thanks")
def thanks(token: str):
    try:
        seen = services.visit(token)
    except AppError:
        return _missing()
    return _render("surveys/thanks.html", seen=seen)


@pages.get("/<token>/poster")
def poster(token: str):
    try:
        seen = services.visit(token)
    except AppError:
        return _missing()
    address = url_for("survey_pages.form", token=token, _external=True)
    code = segno.make(address, error="m")
    svg = Markup(code.svg_inline(scale=8, border=2, title=seen.estate.name))  # segno escapes
    return _render("surveys/poster.html", seen=seen, address=address, qr=svg)
