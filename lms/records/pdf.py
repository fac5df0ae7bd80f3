"""A certificate as an A4 landscape PDF, drawn with fpdf2 (no browser needed)."""
from pathlib import Path

from flask import current_app
from fpdf import FPDF

from lms.records.certificates import parts_of
from lms.records.models import Certificate
from lms.timeutil import format_date

GOVUK_BLACK = (11, 12, 12)
GREY = (80, 90, 95)


def _fonts(pdf: FPDF) -> str:
    """The configured Unicode font (every name prints as spelt), or the PDF's built-in Helvetica when the font file
    is missing, which prints Latin-1 only."""
    regular = Path(current_app.config["CERTIFICATE_FONT"])
    bold = regular.with_name(regular.stem + "-Bold" + regular.suffix)
    if regular.is_file() and bold.is_file():
        pdf.add_font("certificate", "", str(regular))
        pdf.add_font("certificate", "B", str(bold))
        return "certificate"
    return "helvetica"


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    config = current_app.config
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(f"Certificate: {certificate.course.title}")
    pdf.set_author(config["FORCE_NAME"])
    pdf.set_auto_page_break(False)
    pdf.add_page()
    family = _fonts(pdf)
    unicode_font = family == "certificate"

    def line(text: str, size: float, style: str = "", colour=GOVUK_BLACK, gap: float = 4) -> None:
        if not unicode_font:
            text = text.encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(family, style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_draw_color(*GOVUK_BLACK)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_margins(25, 25, 25)
    pdf.set_y(25)
    person = certificate.person
    line(config["FORCE_NAME"], 16, "B", GREY)
    line("Certificate of completion", 30, "B", gap=8)
    line("This is to certify that", 13, colour=GREY)
    line(person.name, 24, "B", gap=2)
    line(f"Service number {person.service_number}", 12, colour=GREY, gap=6)
    line("has completed", 13, colour=GREY)
    line(certificate.course.title, 20, "B", gap=2)
    line(f"on {format_date(certificate.completed_on)}", 14, gap=6)
    for part in parts_of(certificate):
        line(f"{part.label}: {format_date(part.done_on)}", 11, colour=GREY, gap=1)
    pdf.set_y(pdf.h - 45)
    line(f"Verification code {certificate.code}", 12, "B", gap=1)
    line(f"Check this certificate at {verify_url}", 10, colour=GREY, gap=0)
    return bytes(pdf.output())
