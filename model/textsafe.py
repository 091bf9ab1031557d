"""Text from a scenario or a dataset is data: spreadsheets must show it, never run it as a formula.

Excel and LibreOffice read a cell (or a CSV field) that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
skip a leading tab or carriage return before that test (OWASP, "CSV Injection"). A scenario description
``=HYPERLINK("http://x","y")`` or an enterprise named ``=1+1`` in enterprises.csv must show as typed.

* workbooks (openpyxl): :func:`text_as_text` makes every text cell a string cell with Excel's quote prefix,
  as Excel itself stores a value typed with a leading apostrophe: the text shows unchanged and editing the cell
  does not turn it into a formula;
* CSV files for people (``ersim export``, ``check-inputs --csv``): :func:`neutralise_frame` prefixes such a text
  field with an apostrophe, the usual rule for CSV. Numbers, including negative ones, stay numbers.

Control characters are data too: :func:`show_controls` writes them out (``\\x1b``), for the terminal (where ESC
starts an escape sequence: colours, hyperlinks, a cleared screen, a window title) and for the workbook (whose XML
cannot hold most of them: openpyxl refused the whole export).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a frame is changed: the CLI imports this module for every command
    import pandas as pd

#: first characters that make a spreadsheet program read text as a formula (OWASP CSV injection guidance)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# a plain number written as text ("-5", "+1.5e3") is read as that number, never as a formula: left alone
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


# every C0 control but tab and line feed, DEL and the C1 controls: what a terminal may act on (scenarios and
# datasets may not hold them: model/scenario.py and model/inputs.py refuse them with their place)
CONTROL_CHARACTERS = _TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# the characters XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE): tab, line feed and CR are legal
_XML_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def show_controls(text: str, workbook: bool = False) -> str:
    """``text`` with each control character written out as ``\\x1b`` and the like, so it is seen, not acted on:
    those a terminal acts on, or (``workbook``) those an xlsx file cannot hold. Line feeds and tabs stay."""
    return (_XML_CONTROLS if workbook else _TERMINAL_CONTROLS).sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program would read ``text`` as a formula (or a DDE call) if it were typed."""
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def neutralise(value):
    """``value`` with an apostrophe in front when it is formula-like text; anything else unchanged."""
    return "'" + value if isinstance(value, str) and is_formula_like(value) else value


def _map_text(df: pd.DataFrame, change) -> pd.DataFrame:
    """A copy of ``df`` with ``change`` applied to every value of its text columns; numeric and boolean columns
    are not touched, so numbers stay numbers."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(change)
    return out


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text columns are safe to open in a spreadsheet (:func:`neutralise`)."""
    return _map_text(df, neutralise)


def workbook_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text an xlsx file can hold (:func:`show_controls`); formulas are dealt with once the
    cells exist (:func:`text_as_text`)."""
    return _map_text(df, lambda v: show_controls(v, workbook=True) if isinstance(v, str) else v)


def text_as_text(ws) -> int:
    """Make every text cell of the openpyxl worksheet ``ws`` plain text; returns how many needed it.

    openpyxl stores a str starting with '=' as a formula and '#N/A' and the like as error values; such a cell
    becomes a string again. A formula-like one also gets the quote prefix (what a leading apostrophe typed in
    Excel sets), so the text shows as written and stays text when someone edits the cell.
    """
    changed = 0
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str):
                continue
            if cell.data_type != "s" or value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
                cell.quotePrefix = True
                changed += 1
    return changed
