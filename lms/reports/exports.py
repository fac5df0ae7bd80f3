"""The team matrix as an Excel workbook: the same cells as the page and the CSV, never a formula."""
import io

import xlsxwriter

from lms.reports.dataset import Row
from lms.reports.tables import Block

FILLS = {"overdue": "#f6d7d2", "refresher_due": "#fcd6c3", "complete": "#cce2d8", "booked": "#d2e2f1",
         "in_progress": "#e8f1f8"}


def matrix_xlsx(block: Block, rows: list[Row], generated: str) -> bytes:
    """One sheet: the header frozen and filterable, each status cell shaded by status."""
    buffer = io.BytesIO()
    # Text is written as text: nothing an author or officer typed can become a formula or a link.
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("Team matrix")
    bold = workbook.add_format({"bold": True, "bg_color": "#f3f2f1", "border": 1, "text_wrap": True,
                                "valign": "top"})
    fills = {code: workbook.add_format({"bg_color": colour}) for code, colour in FILLS.items()}
    first_status = len(block.header) - len(rows[0].statuses) if rows else len(block.header)
    for column, title in enumerate(block.header):
        sheet.write_string(0, column, title, bold)
        sheet.set_column(column, column, 30 if column >= first_status else (24 if column == 0 else 14))
    for number, (cells, row) in enumerate(zip(block.rows, rows), start=1):
        for column, value in enumerate(cells):
            status = row.statuses[column - first_status] if column >= first_status else None
            sheet.write_string(number, column, str(value), fills.get(status.code) if status else None)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(block.rows), 1), len(block.header) - 1)
    sheet.write_string(len(block.rows) + 2, 0, generated)
    workbook.close()
    return buffer.getvalue()
