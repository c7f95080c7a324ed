"""Checklist rules: import as immutable versions, activate and retire, deadlines for findings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import sqlalchemy as sa
from flask import current_app

from backend.checklists.calendar import WorkingHours, add_working_time, is_official
from backend.checklists.definition import (
    ChecklistDefinition,
    ChecklistInvalid,
    Item,
    Problem,
    canonical_json,
    load_text,
    parse_definition,
)
from backend.checklists.models import Checklist, ChecklistVersion, VersionStatus
from backend.clock import utcnow
from backend.database import db
from backend.errors import Conflict, NotFound, ValidationFailed


@dataclass(frozen=True)
class ImportResult:
    version: ChecklistVersion
    created: bool
    activated: bool


def import_definition(
    definition: ChecklistDefinition,
    source: str | None = None,
    *,
    activate: bool = False,
    first_becomes_active: bool = True,
) -> ImportResult:
    """Store a validated definition as a version of its checklist.

    Same content as an existing version → that version (nothing new). Changed content → a new
    version (draft). It becomes active when asked, or (unless `first_becomes_active` is off, as
    for uploads, which an administrator activates in a separate step) when the checklist has no
    active version.
    """
    checklist = db.session.scalar(sa.select(Checklist).where(Checklist.code == definition.code))
    if checklist is None:
        checklist = Checklist(code=definition.code, title_zh=definition.title.zh)
        db.session.add(checklist)
    checklist.title_zh = definition.title.zh
    checklist.title_en = definition.title.en
    db.session.flush()
    version = db.session.scalar(
        sa.select(ChecklistVersion).where(
            ChecklistVersion.checklist_id == checklist.id,
            ChecklistVersion.content_hash == definition.content_hash,
        )
    )
    created = version is None
    if version is None:
        number = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(ChecklistVersion.number), 0)).where(
                ChecklistVersion.checklist_id == checklist.id
            )
        )
        version = ChecklistVersion(
            checklist=checklist,
            number=number + 1,
            content_hash=definition.content_hash,
            definition=_json_safe(definition.raw),
            item_count=len(definition.items),
            source=source,
        )
        db.session.add(version)
        db.session.flush()
    activated = False
    wanted = activate or (first_becomes_active and active_version(checklist) is None)
    if version.status is not VersionStatus.active and wanted:
        activate_version(version)
        activated = True
    return ImportResult(version, created, activated)


@dataclass(frozen=True)
class UploadCheck:
    """A dry run of an uploaded definition: its problems, or what saving it would do."""

    problems: list[Problem]
    definition: ChecklistDefinition | None
    checklist: Checklist | None  # the checklist of that code, if it exists already
    same_as: ChecklistVersion | None  # a stored version with exactly this content


def check_upload(text: str, filename: str) -> UploadCheck:
    """Validate YAML text as `flask checklists validate` does a file; writes nothing."""
    try:
        definition = load_text(text, filename)
    except ChecklistInvalid as invalid:
        return UploadCheck(invalid.problems, None, None, None)
    checklist = db.session.scalar(sa.select(Checklist).where(Checklist.code == definition.code))
    same_as = None
    if checklist is not None:
        same_as = db.session.scalar(
            sa.select(ChecklistVersion).where(
                ChecklistVersion.checklist_id == checklist.id,
                ChecklistVersion.content_hash == definition.content_hash,
            )
        )
    return UploadCheck([], definition, checklist, same_as)


def save_upload(text: str, filename: str) -> ImportResult:
    """Store uploaded YAML as a draft version (as `flask checklists import` without --activate,
    except that a new checklist's first version is a draft too); a file with problems is a 422
    listing them under `yaml`, one "line N: path: message" each."""
    try:
        definition = load_text(text, filename)
    except ChecklistInvalid as invalid:
        raise ValidationFailed(
            f"巡查表有 {len(invalid.problems)} 处问题 (the checklist has problems)",
            {"yaml": [problem_line(problem) for problem in invalid.problems]},
        ) from invalid
    return import_definition(definition, filename, first_becomes_active=False)


def problem_line(problem: Problem) -> str:
    where = f"line {problem.line}: " if problem.line is not None else ""
    return f"{where}{problem.path or '(document)'}: {problem.message}"


def _json_safe(raw: Any) -> dict[str, Any]:
    return json.loads(canonical_json(raw))


def active_version(checklist: Checklist) -> ChecklistVersion | None:
    return db.session.scalar(
        sa.select(ChecklistVersion).where(
            ChecklistVersion.checklist_id == checklist.id,
            ChecklistVersion.status == VersionStatus.active,
        )
    )


def activate_version(version: ChecklistVersion) -> ChecklistVersion:
    """Make `version` the one phones use; the previously active version retires."""
    now = utcnow()
    current = active_version(version.checklist)
    if current is not None and current.id != version.id:
        current.status = VersionStatus.retired
        current.retired_at = now
        db.session.flush()  # free the one-active slot before taking it
    version.status = VersionStatus.active
    version.activated_at = now
    version.retired_at = None
    db.session.flush()
    return version


def retire_version(version: ChecklistVersion) -> ChecklistVersion:
    if version.status is VersionStatus.retired:
        raise Conflict("该版本已停用 (version already retired)")
    version.status = VersionStatus.retired
    version.retired_at = utcnow()
    db.session.flush()
    return version


def active_versions() -> list[ChecklistVersion]:
    return list(
        db.session.scalars(
            sa.select(ChecklistVersion)
            .join(Checklist)
            .where(ChecklistVersion.status == VersionStatus.active)
            .order_by(Checklist.code)
        )
    )


def checklists() -> list[Checklist]:
    return list(db.session.scalars(sa.select(Checklist).order_by(Checklist.code)))


def get_checklist(checklist_id: int) -> Checklist:
    checklist = db.session.get(Checklist, checklist_id)
    if checklist is None:
        raise NotFound("巡查表不存在 (checklist not found)")
    return checklist


def get_version(checklist_id: int, version_id: int) -> ChecklistVersion:
    version = db.session.get(ChecklistVersion, version_id)
    if version is None or version.checklist_id != checklist_id:
        raise NotFound("巡查表版本不存在 (checklist version not found)")
    return version


def version_for_inspection(version_id: int) -> ChecklistVersion:
    """The version a new inspection may be recorded against: it must exist and be active."""
    version = db.session.get(ChecklistVersion, version_id)
    if version is None:
        raise ValidationFailed(
            "巡查表版本不存在 (unknown checklist version)",
            {"checklist_version_id": [f"no checklist version {version_id}"]},
        )
    if version.status is not VersionStatus.active:
        raise ValidationFailed(
            "巡查表版本已停用或未启用,请更新巡查表 (checklist version not in use; refresh)",
            {"checklist_version_id": [f"version {version.number} is {version.status.value}"]},
        )
    return version


# Parsed definitions per (version id, content hash); safe to keep because versions never change.
_parsed: dict[tuple[int, str], ChecklistDefinition] = {}


def definition_of(version: ChecklistVersion) -> ChecklistDefinition:
    """The parsed definition of a stored version."""
    key = (version.id, version.content_hash)
    if key not in _parsed:
        _parsed[key] = parse_definition(version.definition, source=f"version {version.id}")
    return _parsed[key]


def active_item(item_code: str) -> Item | None:
    """The item with this code in an active checklist version, if any."""
    for version in active_versions():
        definition = definition_of(version)
        if item_code in definition.item_codes:
            return definition.item(item_code)
    return None


def definition_for(version_id: int) -> ChecklistDefinition:
    version = db.session.get(ChecklistVersion, version_id)
    if version is None:
        raise NotFound("巡查表版本不存在 (checklist version not found)")
    return definition_of(version)


# --- deadlines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    at: datetime
    provisional: bool  # part of the span lies beyond the official calendar's known years


def working_hours() -> WorkingHours:
    config = current_app.config
    start, end = config["WORKING_DAY_START"], config["WORKING_DAY_END"]
    return WorkingHours(time.fromisoformat(start), time.fromisoformat(end))


def due_for(item: Item, found_at: datetime) -> Due:
    """The rectification deadline of a failed item, counted from when the case was dispatched."""
    at = add_working_time(found_at, item.deadline.amount, item.deadline.unit, working_hours())
    return Due(at, not is_official(at.date()))
