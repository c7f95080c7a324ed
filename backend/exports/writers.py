"""CSV and XLSX writers that never hold a whole export in memory, and never let a cell become
a formula (CSV injection: a value starting with = + - @ is prefixed with an apostrophe). Text goes
through the text policy's `clean` first: a control character stored before the policy (XLSX
cannot hold one at all) is dropped, never a failed export."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from enum import Enum
from typing import IO, Any

from backend.clock import SHANGHAI
from backend.text import clean

# Characters that make Excel, LibreOffice or Sheets evaluate a cell (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FLUSH_AT = 64 * 1024


def cell(value: Any) -> Any:
    """A spreadsheet-safe value: Shanghai wall-clock times (spreadsheets have no time zones),
    enums as their values, and text that cannot start a formula."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        value = clean(value)
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, datetime):
        local = value.astimezone(SHANGHAI) if value.tzinfo else value
        return local.replace(tzinfo=None, microsecond=0)
    return value


def _csv_text(value: Any) -> Any:
    value = cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """UTF-8 with a BOM, so Excel opens Chinese text correctly; yielded in ~64 KiB pieces."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([cell(title) for title in header])
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
        if buffer.tell() >= FLUSH_AT:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_file(header: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str) -> IO[bytes]:
    """A write-only workbook (rows go to a temporary file as they come), returned as an open
    temporary file positioned at the start; it disappears when closed."""
    from openpyxl import Workbook  # here: every `flask` command would load it at start

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append([cell(title) for title in header])
    for row in rows:
        worksheet.append([cell(v) for v in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it once sent)
    try:
        workbook.save(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
