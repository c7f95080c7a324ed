"""Owner survey rules: importing definitions, poster links, taking one answer per household.

Flood limits are counted from the answers themselves (per device per period, per network per
hour), so they hold across workers and machines and cannot drift from what was stored.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from backend.accounts.models import User
from backend.checklists.models import VersionStatus
from backend.clock import today, utcnow
from backend.database import db
from backend.errors import Conflict, NotFound, TooManyRequests, ValidationFailed
from backend.places.models import Estate
from backend.places.scope import Scope
from backend.places.services import get_estate
from backend.surveys import verification
from backend.surveys.buildings import structure_problems
from backend.surveys.definition import SCALE, content_hash
from backend.surveys.household import FIELDS, household_key, normalise
from backend.surveys.models import Survey, SurveyAnswer, SurveyLink, SurveyVersion
from backend.text import problem

COMMENT_MAX = 300


def import_definition(definition: dict[str, Any], source: str | None = None) -> SurveyVersion:
    """Same content as a stored version → that version. New content → a new version that
    becomes the active one (the previous one retires; answers keep naming theirs)."""
    survey = db.session.scalar(sa.select(Survey).where(Survey.code == definition["code"]))
    if survey is None:
        survey = Survey(code=definition["code"], title_zh=definition["title"]["zh"])
        db.session.add(survey)
        db.session.flush()
    digest = content_hash(definition)
    version = db.session.scalar(
        sa.select(SurveyVersion).where(
            SurveyVersion.survey_id == survey.id, SurveyVersion.content_hash == digest
        )
    )
    if version is not None and version.status is VersionStatus.active:
        return version
    current = active_version(survey.code)
    if current is not None:
        current.status = VersionStatus.retired
        db.session.flush()  # free the one-active slot before taking it
    if version is None:
        number = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(SurveyVersion.number), 0)).where(
                SurveyVersion.survey_id == survey.id
            )
        )
        version = SurveyVersion(
            survey_id=survey.id,
            number=number + 1,
            content_hash=digest,
            definition=definition,
            source=source,
        )
        db.session.add(version)
    version.status = VersionStatus.active
    survey.title_zh = definition["title"]["zh"]
    db.session.flush()
    return version


def active_version(code: str = "owner-satisfaction") -> SurveyVersion | None:
    return db.session.scalar(
        sa.select(SurveyVersion)
        .join(Survey)
        .where(Survey.code == code, SurveyVersion.status == VersionStatus.active)
    )


def require_active(code: str = "owner-satisfaction") -> SurveyVersion:
    version = active_version(code)
    if version is None:
        raise NotFound("尚未导入业主评价问卷 (no owner survey imported: flask surveys import)")
    return version


# --- periods --------------------------------------------------------------------------------


def period_of(day: date, kind: str) -> tuple[date, date]:
    """First and last day of the calendar month or quarter holding `day`."""
    months = 3 if kind == "quarter" else 1
    first = day.replace(month=(day.month - 1) // months * months + 1, day=1)
    after_month = first.month + months
    after = date(first.year + (after_month - 1) // 12, (after_month - 1) % 12 + 1, 1)
    return first, after - timedelta(days=1)


# --- poster links ---------------------------------------------------------------------------


def current_link(estate_id: int, scope: Scope, actor: User | None = None) -> SurveyLink:
    """The estate's poster link, made on first asking."""
    get_estate(estate_id, scope)  # 404 outside the caller's scope
    link = db.session.scalar(
        sa.select(SurveyLink).where(
            SurveyLink.estate_id == estate_id, SurveyLink.revoked_at.is_(None)
        )
    )
    return link or _new_link(estate_id, actor)


def replace_link(estate_id: int, scope: Scope, actor: User) -> SurveyLink:
    """A new poster: the old link stops taking answers at once."""
    old = current_link(estate_id, scope, actor)
    old.revoked_at = utcnow()
    db.session.flush()
    return _new_link(estate_id, actor)


def _new_link(estate_id: int, actor: User | None) -> SurveyLink:
    link = SurveyLink(
        estate_id=estate_id,
        token=secrets.token_urlsafe(16),
        created_by_id=actor.id if actor else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(link)
    except IntegrityError:
        raise Conflict(
            "海报链接刚被他人更新,请重试 (the poster link just changed; retry)"
        ) from None
    return link


@dataclass(frozen=True)
class Visit:
    """What the resident's page needs: the link's estate, the survey and the open period."""

    link: SurveyLink
    estate: Estate
    version: SurveyVersion
    period: tuple[date, date]


def visit(token: str) -> Visit:
    link = db.session.scalar(
        sa.select(SurveyLink).where(SurveyLink.token == token[:32], SurveyLink.revoked_at.is_(None))
    )
    if link is None:
        raise NotFound("此二维码已失效 (this code is no longer valid)")
    version = require_active()
    estate = db.session.get(Estate, link.estate_id)
    assert estate is not None
    return Visit(link, estate, version, period_of(today(), version.definition["period"]))


# --- answers --------------------------------------------------------------------------------


def network_of(address: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) an address belongs to: a lobby, a building's broadband."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def device_hash(device_token: str) -> str:
    return hashlib.sha256(device_token.encode()).hexdigest()


def answer(
    seen: Visit, form: dict[str, str], device_token: str, address: str | None
) -> SurveyAnswer:
    """Take one household's answer for the open period, or say what is wrong (nothing stored)."""
    definition = seen.version.definition
    if form.get("period") != seen.period[0].isoformat():
        raise Conflict(
            "本期评价已结束,请重新打开页面作答 (that period has closed; open the page again)"
        )
    ratings, errors = _ratings(definition, form)
    household, household_errors = household_key(
        form.get("building", ""), form.get("unit", ""), form.get("room", "")
    )
    if household is not None:  # well formed: does the estate have that home, where known?
        household_errors = structure_problems(
            seen.estate.id, *(normalise(form.get(name, "")) for name in FIELDS)
        )
    errors.update(household_errors)
    comment = (form.get("comment") or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [f"最多 {COMMENT_MAX} 字 (at most {COMMENT_MAX} characters)"]
    elif (refusal := problem(comment)) is not None:
        errors["comment"] = [refusal]
    if verification.enabled():  # say everything that is missing at once
        errors.update(verification.form_problems(form.get("phone", ""), form.get("code", "")))
    if errors:
        raise ValidationFailed("请检查标红的项目 (please check the marked answers)", errors)
    device, network = device_hash(device_token), network_of(address)
    _check_floods(device, network, seen.period[0])
    hashed, code_id = None, None
    if verification.enabled():
        hashed, code_id = verification.check_code(
            seen.estate.id, seen.period[0], form.get("phone", ""), form.get("code", "")
        )
    row = SurveyAnswer(
        survey_id=seen.version.survey_id,
        version_id=seen.version.id,
        estate_id=seen.estate.id,
        link_id=seen.link.id,
        period_start=seen.period[0],
        household=household,
        device_hash=device,
        network=network,
        ratings=ratings,
        comment=comment,
        phone_hash=hashed,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise Conflict(
            "这一户本期已经评价过了,每户每期只能评价一次 (this household has already answered "
            "for this period)",
            {"room": ["本期已评价 (already answered)"]},
        ) from None
    if code_id is not None:
        verification.use_code(code_id)
    return row


def _ratings(definition: dict[str, Any], form: dict[str, str]) -> tuple[dict, dict]:
    ratings: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for question in definition["questions"]:
        raw = form.get(question["key"], "")
        if raw not in {str(n) for n in SCALE}:
            errors[question["key"]] = ["请选择一项 (choose one)"]
        else:
            ratings[question["key"]] = int(raw)
    return ratings, errors


def _check_floods(device: str, network: str, period_start: date) -> None:
    config = current_app.config
    from_device = db.session.scalar(
        sa.select(sa.func.count()).where(
            SurveyAnswer.device_hash == device, SurveyAnswer.period_start == period_start
        )
    )
    if from_device >= config["SURVEY_MAX_PER_DEVICE"]:
        raise TooManyRequests(
            "这部手机本期已提交多次评价,请用自己的手机作答 (this phone has answered too often "
            "this period)"
        )
    from_network = db.session.scalar(
        sa.select(sa.func.count()).where(
            SurveyAnswer.network == network,
            SurveyAnswer.created_at > utcnow() - timedelta(hours=1),
        )
    )
    if from_network >= config["SURVEY_MAX_PER_NETWORK_HOUR"]:
        raise TooManyRequests(
            "此网络提交过于频繁,请稍后再试 (too many answers from this network; try later)",
            headers={"Retry-After": "600"},
        )
