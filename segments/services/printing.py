"""The letters of a logged segment as one PDF to print ("Afdrukken"), made with
fpdf2 (pure Python, no system packages)."""

from pathlib import Path

from fpdf import FPDF

from crm.models import MarketingSetup

# A Unicode font when the machine has one (Debian's fonts-dejavu); otherwise the
# PDF's built-in Helvetica, which knows Latin-1 only (other characters become "?").
UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)


def _unicode_font():
    return next((path for path in UNICODE_FONTS if path.is_file()), None)


def letters_pdf(letters):
    """One A4 page (or more) per letter: the contact's address, then the merged
    text. `letters` holds (contact, text) pairs; returns the PDF's bytes."""
    home_country = MarketingSetup.load().home_country
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(True, margin=25)
    font = _unicode_font()
    if font is not None:
        pdf.add_font("letter", fname=str(font))
        family = "letter"

        def clean(text):
            return text

    else:
        family = "helvetica"

        def clean(text):
            return text.encode("latin-1", "replace").decode("latin-1")

    for contact, text in letters:
        pdf.add_page()
        pdf.set_font(family, size=11)
        for line in contact.address_lines(home_country):
            pdf.cell(0, 5.5, clean(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(20)
        pdf.multi_cell(0, 5.5, clean(text.replace("\r\n", "\n")))
    if not letters:
        pdf.add_page()
    return bytes(pdf.output())
