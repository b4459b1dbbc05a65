"""File writers for exports: CSV written row by row as it streams, XLSX through openpyxl's write-only
mode into a temporary file (constant memory), both fed with cleaned cells.

Cleaning is why these exist: a customer's message can hold any control character, and openpyxl
refuses those (``IllegalCharacterError`` — issue 12's crash in the KB export), so every string loses
its C0/C1 control characters except tab and newline; a text that starts with ``=`` stays text (Excel
would run it as a formula); an XLSX cell holds at most 32,767 characters, so a longer transcript is cut
there with a marker (the CSV keeps it whole).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keeps \t and \n; \r goes too (a line ends in \n)
XLSX_CELL_MAX = 32_767
CUT = "…[truncated]"
FORMULA_START = ("=",)

Cell = str | int | bool | None


def clean(value: Cell) -> Cell:
    """A cell with its control characters removed (strings only)."""
    if isinstance(value, str):
        return CONTROL.sub("", value)
    return value


class CsvRows:
    """Encodes rows to UTF-8 CSV chunks (with a BOM first, so Excel reads Chinese correctly)."""

    def __init__(self, header: Sequence[str]) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")
        self._first = True
        self.header = list(header)

    def chunk(self, rows: Iterable[Sequence[Cell]]) -> bytes:
        """The bytes of these rows (the header and BOM before the first chunk)."""
        if self._first:
            self._buffer.write("\ufeff")
            self._writer.writerow(self.header)
            self._first = False
        for row in rows:
            self._writer.writerow([_csv_text(clean(v)) for v in row])
        data = self._buffer.getvalue().encode("utf-8")
        self._buffer.seek(0)
        self._buffer.truncate()
        return data


def _csv_text(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # opened in Excel, still text
    return value


class XlsxRows:
    """A write-only workbook with one sheet: rows go to openpyxl's temporary file as they come."""

    def __init__(self, title: str, header: Sequence[str]) -> None:
        from openpyxl import Workbook  # noqa: PLC0415  (only needed for Excel files)

        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(title)
        self._sheet.append(list(header))

    def add(self, rows: Iterable[Sequence[Cell]]) -> None:
        """Append rows."""
        from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

        for row in rows:
            cells: list[Any] = []
            for raw in row:
                value = clean(raw)
                if isinstance(value, str):
                    if len(value) > XLSX_CELL_MAX:
                        value = value[: XLSX_CELL_MAX - len(CUT)] + CUT
                    if value.startswith(FORMULA_START):
                        cell = WriteOnlyCell(self._sheet, value)
                        cell.data_type = "s"  # text, not a formula
                        cells.append(cell)
                        continue
                cells.append(value)
            self._sheet.append(cells)

    def save(self, path: Path) -> None:
        """Write the .xlsx file (zips the sheet openpyxl kept on disk)."""
        self._book.save(str(path))
