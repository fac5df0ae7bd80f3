"""CSV for spreadsheets: downloads in which no cell is ever run as a formula, and uploads read row by row with
the line each row starts on."""
import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A spreadsheet must never run text as a formula (CSV injection), so text that could start one gets a quote."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue()


class UnreadableCsv(ValueError):
    """The text stops being CSV at `line` (a stray quote, say)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def numbered_rows(text: str):
    """Yield (line, cells) for each row that is not blank, with the file line it starts on (a quoted value may
    run over several lines); raise UnreadableCsv where the text cannot be read as CSV."""
    reader = csv.reader(io.StringIO(text))
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield start, cells
    except csv.Error as error:
        raise UnreadableCsv(line + 1, f"cannot be read as CSV ({error})") from None
