"""Spreadsheets on disk: reading the one ``ucbr import`` is given (CSV or XLSX), and writing
the template it offers.

A sheet is read into its header row and its rows of cells, numbered as a spreadsheet shows
them (the header is row 1); nothing of it is written anywhere. An XLSX is read as values
(formulas as their last result, dates as dates) from its first worksheet; a CSV as UTF-8
(with or without Excel's byte-order mark) or, failing that, Windows-1252, as Excel saves it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from ucbr.domain.importing.columns import Cell, Column
from ucbr.errors import Refused
from ucbr.storage.private import create_private_file

# Larger than any council's register of this kind; a bound before anything is parsed.
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
FORMATS = (".csv", ".xlsx")

Rows = list[tuple[int, list[Cell]]]


def sheet_format(path: Path) -> str:
    """``.csv`` or ``.xlsx``, from the file's name; refused for anything else."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise Refused("the file must be a .csv or an .xlsx (save the spreadsheet as one)")
    return suffix


def read_sheet_file(path: Path) -> tuple[bytes, list[Cell], Rows]:
    """The file's bytes (for its hash), its header row and its numbered rows."""
    fmt = sheet_format(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise Refused(f"there is no file {path}") from None
    if size > MAX_BYTES:
        raise Refused(f"the file is larger than {MAX_BYTES // 1024 // 1024} MB")
    raw = path.read_bytes()
    rows = list(_xlsx_rows(raw) if fmt == ".xlsx" else _csv_rows(raw))
    if len(rows) > MAX_ROWS:
        raise Refused(f"the file has more than {MAX_ROWS} rows")
    if not rows:
        raise Refused("the file is empty: its first row must be the column headers")
    header = rows[0][1]
    return raw, header, rows[1:]


def _csv_rows(raw: bytes) -> Iterator[tuple[int, list[Cell]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            yield number, list(row)
    except csv.Error:
        raise Refused("the CSV file cannot be read: a quote is not closed") from None


def _xlsx_rows(raw: bytes) -> Iterator[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook  # only an XLSX import pays for it

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise Refused("the file is not an XLSX workbook ucbr can read") from None
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(value) for value in values]
    finally:
        book.close()


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    import datetime as dt

    if isinstance(value, (dt.datetime, dt.date)):
        return value
    return str(value)


def write_template(path: Path, columns: Sequence[Column]) -> None:
    """Write an empty sheet with the columns as its header (an XLSX also gets a second
    worksheet saying what each column holds); never overwriting."""
    fmt = sheet_format(path)
    if fmt == ".csv":
        line = io.StringIO()
        csv.writer(line, lineterminator="\r\n").writerow([c.name for c in columns])
        create_private_file(path, line.getvalue().encode())
        return
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    events = book.active
    events.title = "Events"
    events.append([c.name for c in columns])
    for cell in events[1]:
        cell.font = Font(bold=True)
    events.freeze_panes = "A2"
    guide = book.create_sheet("Columns")
    guide.append(["column", "what it holds", "example"])
    for column in columns:
        guide.append([column.name, column.holds, column.example])
    out = io.BytesIO()
    book.save(out)
    create_private_file(path, out.getvalue())
