"""The team matrix as an Excel workbook: the same cells as the CSV, dates as real dates, never a formula."""
import io
from datetime import date

import xlsxwriter

from lms.reports.dataset import Row
from lms.reports.tables import MATRIX_COURSE_COLUMNS, PERSON_HEADER, Block

FILLS = {"overdue": "#f6d7d2", "refresher_due": "#fcd6c3", "complete": "#cce2d8", "booked": "#d2e2f1",
         "in_progress": "#e8f1f8"}


def matrix_xlsx(block: Block, rows: list[Row], generated: str) -> bytes:
    """One sheet: the header frozen and filterable, each course's columns shaded by its status, dates that Excel
    sorts and filters as dates."""
    buffer = io.BytesIO()
    # Text is written as text: nothing an author or officer typed can become a formula or a link.
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("Team matrix")
    bold = workbook.add_format({"bold": True, "bg_color": "#f3f2f1", "border": 1, "text_wrap": True,
                                "valign": "top"})
    day = "d mmm yyyy"
    formats = {(code, is_date): workbook.add_format({"bg_color": colour, **({"num_format": day} if is_date else {})})
               for code, colour in FILLS.items() for is_date in (False, True)}
    plain_date = workbook.add_format({"num_format": day})
    first_status, width = len(PERSON_HEADER), len(MATRIX_COURSE_COLUMNS)
    for column, title in enumerate(block.header):
        sheet.write_string(0, column, title, bold)
        sheet.set_column(column, column, 24 if column == 0 else 14)
    for number, (cells, row) in enumerate(zip(block.rows, rows), start=1):
        for column, value in enumerate(cells):
            status = row.statuses[(column - first_status) // width] if column >= first_status else None
            is_date = isinstance(value, date)
            shade = formats.get((status.code, is_date)) if status else None
            if is_date:
                sheet.write_datetime(number, column, value, shade or plain_date)
            elif value is not None:
                sheet.write_string(number, column, str(value), shade)
            elif shade:
                sheet.write_blank(number, column, None, shade)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(block.rows), 1), len(block.header) - 1)
    sheet.write_string(len(block.rows) + 2, 0, generated)
    workbook.close()
    return buffer.getvalue()
