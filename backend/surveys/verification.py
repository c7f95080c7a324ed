"""The optional SMS step of the owner survey (SURVEY_SMS_VERIFICATION): a resident asks for a
6-digit code on their mobile and sends it back with the answer.

Nothing here keeps a phone number: the phone and the code are stored only as HMACs under
SURVEY_SMS_HASH_KEY. Codes expire, allow a few wrong tries, and are used once. Send limits (a
cooldown, per phone per day, per network per hour) are counted from the stored code rows, so
they hold across gunicorn workers. A code the gateway did not take is not stored at all. Rows
older than every limit's window (KEEP_CODES) are deleted whenever a code is sent, so the table
never outgrows a couple of days of requests.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from backend.clock import utcnow
from backend.database import db
from backend.errors import AppError, Conflict, TooManyRequests, ValidationFailed
from backend.messaging.sms import SmsError, configured_gateway, mask_mobile, normalise_mobile
from backend.surveys.models import SurveyAnswer, SurveyPhoneCode

_CODE = re.compile(r"^\d{6}$")
# The longest window a limit counts is a day; a code lives minutes. Older rows count for nothing.
KEEP_CODES = timedelta(days=2)


class Unavailable(AppError):
    status = 503


class WrongCode(ValidationFailed):
    """A wrong code: the try must be counted even though the answer is rolled back."""

    def __init__(self, message: str, code_id: int) -> None:
        super().__init__(message, {"code": [message]})
        self.code_id = code_id


def enabled() -> bool:
    return bool(current_app.config.get("SURVEY_SMS_VERIFICATION"))


def _key() -> bytes:
    key = current_app.config.get("SURVEY_SMS_HASH_KEY") or ""
    if not key or configured_gateway() is None:
        # Switched on but not set up: say so plainly rather than take unverified answers.
        raise Unavailable(
            "短信验证暂不可用,请稍后再试或联系社区居委会 (SMS verification is not available)"
        )
    return key.encode()


def phone_hash(phone: str) -> str:
    return hmac.new(_key(), f"phone:{phone}".encode(), hashlib.sha256).hexdigest()


def _code_hash(nonce: str, code: str) -> str:
    return hmac.new(_key(), f"code:{nonce}:{code}".encode(), hashlib.sha256).hexdigest()


def read_phone(raw: str) -> str:
    phone = normalise_mobile(raw)
    if phone is None:
        message = "请填写 11 位手机号码 (an 11-digit mobile number)"
        raise ValidationFailed(message, {"phone": [message]})
    return phone


def form_problems(raw_phone: str, raw_code: str) -> dict[str, list[str]]:
    """The phone and code fields' own problems (before any code is looked up)."""
    problems: dict[str, list[str]] = {}
    if normalise_mobile(raw_phone) is None:
        problems["phone"] = ["请填写 11 位手机号码 (an 11-digit mobile number)"]
    if not _CODE.match((raw_code or "").strip()):
        problems["code"] = ["请填写短信中的 6 位验证码 (the 6-digit code from the SMS)"]
    return problems


def answers_by_phone(hashed: str, estate_id: int, period_start: object) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            SurveyAnswer.phone_hash == hashed,
            SurveyAnswer.estate_id == estate_id,
            SurveyAnswer.period_start == period_start,
        )
    )


def _already_answered() -> Conflict:
    return Conflict(
        "这个手机号本期已经评价过了 (this mobile number has already answered this period)",
        {"phone": ["本期已评价 (already answered)"]},
    )


def send_code(estate_id: int, period_start: object, raw_phone: str, network: str) -> str:
    """Send a new code to the phone; return the masked number to show. Refusals name why."""
    config = current_app.config
    phone = read_phone(raw_phone)
    hashed = phone_hash(phone)
    now = utcnow()
    db.session.execute(
        sa.delete(SurveyPhoneCode).where(SurveyPhoneCode.created_at < now - KEEP_CODES)
    )
    if answers_by_phone(hashed, estate_id, period_start) >= config["SURVEY_SMS_ANSWERS_PER_PHONE"]:
        raise _already_answered()
    last = db.session.scalar(
        sa.select(sa.func.max(SurveyPhoneCode.created_at)).where(
            SurveyPhoneCode.phone_hash == hashed
        )
    )
    cooldown = config["SURVEY_SMS_RESEND_SECONDS"]
    if last is not None and (wait := cooldown - int((now - last).total_seconds())) > 0:
        raise TooManyRequests(
            f"验证码已发送,请 {wait} 秒后再重新获取 (a code was just sent; ask again in {wait} s)",
            {"phone": [f"请 {wait} 秒后再获取 (wait {wait} s)"]},
            headers={"Retry-After": str(wait)},
        )
    per_phone = _count(SurveyPhoneCode.phone_hash == hashed, now - timedelta(days=1))
    if per_phone >= config["SURVEY_SMS_MAX_PER_PHONE_DAY"]:
        raise TooManyRequests(
            "这个手机号今天获取验证码次数过多,请明天再试 (too many codes for this number today)",
            {"phone": ["今天获取次数过多 (too many today)"]},
            headers={"Retry-After": "3600"},
        )
    per_network = _count(SurveyPhoneCode.network == network, now - timedelta(hours=1))
    if per_network >= config["SURVEY_SMS_MAX_PER_NETWORK_HOUR"]:
        raise TooManyRequests(
            "此网络获取验证码过于频繁,请稍后再试 (too many codes from this network; try later)",
            headers={"Retry-After": "600"},
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    nonce = secrets.token_urlsafe(16)
    minutes = config["SURVEY_SMS_CODE_MINUTES"]
    db.session.add(
        SurveyPhoneCode(
            estate_id=estate_id,
            phone_hash=hashed,
            network=network,
            nonce=nonce,
            code_hash=_code_hash(nonce, code),
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    db.session.flush()
    text = f"【五好小区】您的业主评价验证码是 {code},{minutes} 分钟内有效。如非本人操作,请忽略。"
    try:
        configured_gateway().send(phone, text, idempotency_key=f"survey-{nonce}")  # type: ignore[union-attr]
    except SmsError as error:
        current_app.logger.warning("survey SMS not sent: %s", error.reason)
        raise Unavailable(
            "短信发送失败,请稍后再试 (the SMS could not be sent; try again later)",
            {"phone": ["短信发送失败 (not sent)"]},
            headers={"Retry-After": "60"},
        ) from None
    return mask_mobile(phone)


def _count(where: sa.ColumnElement[bool], since: object) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(where, SurveyPhoneCode.created_at > since)
    )


def check_code(
    estate_id: int, period_start: object, raw_phone: str, raw_code: str
) -> tuple[str, int]:
    """(phone hash, code row id) when the code is right, live and unused; else a refusal."""
    hashed = phone_hash(read_phone(raw_phone))
    code = (raw_code or "").strip()
    if not _CODE.match(code):
        message = "请填写短信中的 6 位验证码 (the 6-digit code from the SMS)"
        raise ValidationFailed(message, {"code": [message]})
    row = db.session.scalar(
        sa.select(SurveyPhoneCode)
        .where(SurveyPhoneCode.phone_hash == hashed, SurveyPhoneCode.estate_id == estate_id)
        .order_by(SurveyPhoneCode.created_at.desc(), SurveyPhoneCode.id.desc())
        .limit(1)
    )
    again = "请重新获取验证码 (ask for a new code)"
    if row is None:
        raise _refused("请先获取验证码 (ask for a code first)")
    if row.used_at is not None:
        raise _refused(f"验证码已使用过,{again}")
    if row.expires_at <= utcnow():
        raise _refused(f"验证码已过期,{again}")
    if row.attempts >= current_app.config["SURVEY_SMS_MAX_ATTEMPTS"]:
        raise _refused(f"验证码错误次数过多,{again}")
    if not hmac.compare_digest(row.code_hash, _code_hash(row.nonce, code)):
        raise WrongCode("验证码不正确,请核对短信 (the code is not right)", row.id)
    if (
        answers_by_phone(hashed, estate_id, period_start)
        >= current_app.config["SURVEY_SMS_ANSWERS_PER_PHONE"]
    ):
        raise _already_answered()
    return hashed, row.id


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed(message, {"code": [message]})


def use_code(code_id: int) -> None:
    """Mark the code used, once: a second answer racing with the same code finds it gone."""
    done = db.session.execute(
        sa.update(SurveyPhoneCode)
        .where(SurveyPhoneCode.id == code_id, SurveyPhoneCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if done.rowcount != 1:
        raise _refused("验证码已使用过,请重新获取验证码 (the code was already used)")


def note_wrong_try(code_id: int) -> None:
    """Count a wrong try (in its own transaction: the answer itself was rolled back)."""
    db.session.execute(
        sa.update(SurveyPhoneCode)
        .where(SurveyPhoneCode.id == code_id)
        .values(attempts=SurveyPhoneCode.attempts + 1)
    )
