"""A person's CSV file as a table of columns, and the column a sequence is read from.

    table = read_csv(upload.getvalue())       # CsvTable, or CsvError saying what is wrong with the file
    s = table.values(table.default)           # (N,) the first numeric column that is not an index

Used by the sidebar's sequence editor (forward, BPTT, vanishing pages) and the training page. A cell is a
number by the same rule as a typed sequence (rnnviz.data.parse_sequence): `1`, `-2.5`, `1e-3`, never `nan`,
`inf` or `1_000`. The first row is a header unless every cell of it is a number (then the columns are named
"column 1", "column 2", …). A file of one column per line with `;` or tabs between cells reads too.
"""
import csv
import io
import re
from dataclasses import dataclass

import numpy as np

from .data import MAX_T

MAX_CSV_BYTES = 1_000_000  # a sequence of MAX_T numbers fits many times over; a bigger upload is refused
# names that mark a column as the row's position or time rather than a value to model (lower case)
INDEX_NAMES = {"", "#", "i", "id", "idx", "index", "k", "n", "no", "row", "step", "steps", "t", "time",
               "timestep", "time_step", "date", "datetime", "timestamp", "unnamed: 0", "year", "month", "day"}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")  # parse_sequence's tokens


class CsvError(ValueError):
    """A file that is not a usable CSV; the message says what to fix."""


@dataclass(frozen=True, eq=False)
class CsvTable:
    """The cells of a CSV under its header: columns[j] names cells[i][j] (rows padded with "")."""

    columns: tuple          # (C,) header names, in file order
    cells: tuple            # (N, C) stripped cell text of the rows below the header
    lines: tuple            # (N,) the file's line number of each row (1-based), for error messages

    @property
    def numeric(self):
        """The columns whose every cell is a number."""
        return tuple(c for j, c in enumerate(self.columns) if self.cells and all(_NUMBER.match(r[j]) for r in self.cells))

    @property
    def default(self):
        """The column a sequence is read from unless the person picks another: the first numeric column
        that is not an index (by name, then by being an evenly spaced ramp such as 0, 1, 2 …); else the first
        numeric column not named like an index; else the first column not named like one, numeric or not
        (a value column with a typo in it: reading it names the bad cell); else the first column."""
        named = [c for c in self.numeric if c.strip().lower() not in INDEX_NAMES]
        for c in named:
            if not _is_ramp(self.values(c)):
                return c
        others = [c for c in self.columns if c.strip().lower() not in INDEX_NAMES]
        return (named or others or self.columns)[0]

    def text(self, column):
        """The column's cells as one line of text, as a person would type it ("1, 2.5, 3")."""
        self.values(column)  # the same checks and messages
        j = self.columns.index(column)
        return ", ".join(r[j] for r in self.cells)

    def values(self, column, max_len=MAX_T):
        """The numbers of one column, or a CsvError naming the row and cell that is not a number."""
        if column not in self.columns:
            raise CsvError(f"no column '{column}' in the file; its columns are: {', '.join(self.columns)}")
        if len(self.cells) > max_len:
            raise CsvError(f"column '{column}' has {len(self.cells)} values; at most {max_len} are allowed")
        j, out = self.columns.index(column), []
        for i, row in enumerate(self.cells):
            cell = row[j]
            if not _NUMBER.match(cell):
                shown = cell if len(cell) <= 20 else cell[:20] + "…"
                what = "is empty" if not cell else f"is '{shown}', not a number"
                raise CsvError(f"line {self.lines[i]} of column '{column}' {what}")
            out.append(float(cell))
        a = np.array(out, dtype=np.float64)
        if not np.all(np.isfinite(a)):
            i = int(np.argmin(np.isfinite(a)))
            raise CsvError(f"line {self.lines[i]} of column '{column}' is too large for a float")
        return a


def read_csv(raw, max_bytes=MAX_CSV_BYTES, max_rows=MAX_T):
    """A CSV file's bytes (or text) → CsvTable, or a CsvError: empty, too big, binary, not UTF-8, ragged."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > max_bytes:
        raise CsvError(f"the file is {len(raw) / 1e6:.1f} MB; at most {max_bytes / 1e6:g} MB is read")
    if b"\0" in raw[:8192]:
        raise CsvError("the file is not text (it holds binary data): save the data as a CSV file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError("the file is not UTF-8 text: save it as a CSV (UTF-8)") from None
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise CsvError("the file is empty")
    delimiter = "," if "," in first else ";" if ";" in first else "\t" if "\t" in first else ","
    rows, line_of = [], []  # the non-blank rows, and the file line each starts on
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(rows) > max_rows:
                    raise CsvError(f"the file has more than {max_rows} rows; at most {max_rows} values "
                                   "(plus a header) are read")
                rows.append([cell.strip() for cell in row])
                line_of.append(reader.line_num)
    except csv.Error as e:
        raise CsvError(f"the file is not a readable CSV (line {reader.line_num}: {e})") from None
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if all(_NUMBER.match(c) for c in rows[0] if c):  # no header: the first row is data
        return CsvTable(tuple(f"column {j + 1}" for j in range(width)), tuple(map(tuple, rows)), tuple(line_of))
    header = [c or f"column {j + 1}" for j, c in enumerate(rows[0])]
    if len(rows) < 2:
        raise CsvError("the file has a header row but no values below it")
    return CsvTable(tuple(header), tuple(map(tuple, rows[1:])), tuple(line_of[1:]))


def _is_ramp(s):
    """Evenly spaced and increasing (0, 1, 2 … or 1990, 1991 …): a position, not a value to predict."""
    d = np.diff(s)
    return len(s) > 2 and d[0] > 0 and np.allclose(d, d[0], rtol=1e-9, atol=0)
