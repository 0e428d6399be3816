"""Reading single cells: text as typed, CCCD numbers Excel turned into numbers."""

from __future__ import annotations


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Undo the export's formula-injection quote so that export -> re-import is a no-op.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def parse_citizen_id(value) -> str:
    """A CCCD typed as a number loses its leading zero: pad it back to 12 digits."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and float(value).is_integer() and 0 < value < 10**12:
        return f"{int(value):012d}"
    return cell_text(value)
