"""text policy: clean control characters out of rows stored before it

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 18:40:00.000000

Rows stored before the text policy (backend/text.py) may hold control characters, lone
surrogates or non-characters, which break XLSX and XML answers. This removes them from every
free-text column and from the strings inside JSON columns, and turns CR LF and lone CR into LF.
The policy's character class is copied here so that the migration keeps meaning what it meant.
A cleaned value that would collide with a unique one gets U+FFFD in place of each character.
"""

import re
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
NEWLINES = re.compile(r"\r\n?")
BATCH = 1000

# table → (text columns, JSON columns); every table has an integer `id`.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "districts": (("name",), ()),
    "streets": (("name",), ()),
    "communities": (("name",), ()),
    "grids": (("name",), ()),
    "estates": (("name", "address"), ()),
    "organisations": (("name", "phone"), ()),
    "service_contracts": (("reference",), ()),
    "users": (("display_name",), ()),
    "checklists": (("title_zh", "title_en"), ()),
    "tickets": (("title", "description"), ()),
    "ticket_events": (("reason",), ("data",)),
    "ticket_extensions": (("reason",), ()),
    "outbox_events": ((), ("payload",)),
    "inspection_results": (("note",), ("value",)),
    "open311_api_keys": (("name",), ()),
    "open311_requests": (
        ("address_string", "media_url", "email", "first_name", "last_name", "phone",
         "device_id", "account_id"),
        ("attributes",),
    ),  # fmt: skip
    "disclosures": (("title", "scope_name"), ("snapshot",)),
}


def clean(text: str, replacement: str = "") -> str:
    return FORBIDDEN.sub(replacement, NEWLINES.sub("\n", text))


def clean_deep(value: Any, replacement: str = "") -> Any:
    if isinstance(value, str):
        return clean(value, replacement)
    if isinstance(value, list):
        return [clean_deep(inner, replacement) for inner in value]
    if isinstance(value, dict):
        return {clean_deep(k, replacement): clean_deep(v, replacement) for k, v in value.items()}
    return value


def _rows(connection: sa.Connection, table: sa.TableClause) -> Iterator[sa.Row]:
    last = None
    while True:
        query = sa.select(table).order_by(table.c.id).limit(BATCH)
        if last is not None:
            query = query.where(table.c.id > last)
        batch = connection.execute(query).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def clean_stored_text(connection: sa.Connection) -> int:
    """Clean every listed column of every row; returns the number of rows changed."""
    changed = 0
    tables = set(sa.inspect(connection).get_table_names())
    for name, (texts, jsons) in COLUMNS.items():
        if name not in tables:
            continue
        table = sa.table(
            name,
            sa.column("id", sa.Integer),
            *(sa.column(c, sa.Text) for c in texts),
            *(sa.column(c, sa.JSON) for c in jsons),
        )
        for row in _rows(connection, table):
            values = {c: getattr(row, c) for c in (*texts, *jsons)}
            dirty = {c: v for c, v in values.items() if clean_deep(v) != v}
            if not dirty:
                continue
            update = sa.update(table).where(table.c.id == row.id)
            try:
                with connection.begin_nested():
                    connection.execute(update.values({c: clean_deep(v) for c, v in dirty.items()}))
            except sa.exc.IntegrityError:
                # The cleaned value collides with a unique one: keep a visible mark instead.
                connection.execute(
                    update.values({c: clean_deep(v, "\ufffd") for c, v in dirty.items()})
                )
            changed += 1
    return changed


def upgrade():
    clean_stored_text(op.get_bind())


def downgrade():
    pass  # removed characters are not put back
