"""Files for the demo content, made here rather than shipped: landscape
illustrations drawn with Pillow, and small but valid documents (PDF, DOCX, XLSX,
CSV, plain text) written by this module.

The PDF writer uses the standard Helvetica fonts with WinAnsi encoding, so it
suits English text; Russian documents are written as DOCX, which carries
Unicode natively.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import random
import zipfile
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFilter

# --- Images -------------------------------------------------------------------

PALETTES = {
    "dawn": [(255, 214, 170), (250, 170, 120), (92, 78, 120), (60, 50, 90), (120, 160, 110)],
    "noon": [(175, 215, 240), (120, 180, 225), (95, 120, 140), (70, 90, 110), (150, 190, 90)],
    "dusk": [(250, 180, 140), (190, 110, 140), (80, 60, 100), (50, 40, 80), (100, 130, 90)],
    "spring": [(205, 235, 245), (160, 210, 235), (110, 140, 120), (80, 110, 95), (170, 205, 110)],
    "autumn": [(245, 225, 190), (235, 190, 130), (140, 100, 80), (110, 75, 60), (200, 160, 80)],
    "winter": [(225, 235, 245), (190, 210, 230), (150, 165, 185), (240, 245, 250), (200, 210, 220)],
}


def _lerp(a, b, t):
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


def landscape_jpeg(seed: str, palette: str = "noon", size=(1200, 675)) -> bytes:
    """A valley between mountain ridges with a river, deterministic for ``seed``."""
    rng = random.Random(seed)  # noqa: S311 (drawing, not security)
    sky_top, sky_bottom, far, near, field = PALETTES[palette]
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=_lerp(sky_top, sky_bottom, y / height))
    sun_x, sun_y = rng.randint(width // 5, 4 * width // 5), rng.randint(height // 8, height // 3)
    draw.ellipse([sun_x - 55, sun_y - 55, sun_x + 55, sun_y + 55], fill=(255, 240, 200))
    for layer, colour in enumerate((far, near)):
        base = height * (0.55 + 0.12 * layer)
        points = [(0, height)]
        x = 0
        while x <= width:
            peak = base - rng.randint(40, 170 - 40 * layer)
            points.append((x, peak))
            x += rng.randint(60, 160)
        points += [(width, base), (width, height)]
        draw.polygon(points, fill=colour)
    field_top = int(height * 0.78)
    draw.rectangle([0, field_top, width, height], fill=field)
    river = []
    phase = rng.random() * math.tau
    for y in range(field_top, height + 10, 6):
        t = (y - field_top) / (height - field_top)
        centre = width * 0.5 + math.sin(phase + t * 3) * width * 0.15
        river.append((centre, y, 12 + t * 70))
    for centre, y, half in river:
        draw.line([(centre - half, y), (centre + half, y)], fill=(120, 170, 200), width=7)
    for _ in range(18):
        x, y = rng.randint(0, width), rng.randint(field_top + 10, height - 10)
        draw.ellipse([x - 14, y - 22, x + 14, y + 4], fill=_lerp(field, (40, 80, 40), 0.6))
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------

_PAGE_WIDTH, _PAGE_HEIGHT, _MARGIN = 595, 842, 56  # A4 in points


def _pdf_text(value: str) -> bytes:
    encoded = value.encode("cp1252", errors="replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines or [""]


def pdf_document(title: str, sections: list[tuple[str, str]], *, author: str = "") -> bytes:
    """A small text PDF: a title, then (heading, paragraph) sections, paginated."""
    rows = [("F2", 16, line) for line in _wrap(title, 55)] + [("F1", 10, "")]
    for heading, paragraph in sections:
        if heading:
            rows += [("F2", 12, line) for line in _wrap(heading, 70)]
        rows += [("F1", 10, line) for line in _wrap(paragraph, 92)] + [("F1", 10, "")]
    pages, current, y = [], [], _PAGE_HEIGHT - _MARGIN
    for font, size, text in rows:
        leading = size * 1.45
        if y - leading < _MARGIN:
            pages.append(current)
            current, y = [], _PAGE_HEIGHT - _MARGIN
        y -= leading
        current.append((font, size, y, text))
    pages.append(current)

    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below, once the page tree is known
    tree = add(b"")
    regular = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    kids = []
    for number, page_rows in enumerate(pages, start=1):
        stream = [b"BT"]
        for font, size, y_pos, text in page_rows:
            stream.append(
                b"/%s %d Tf 1 0 0 1 %d %.1f Tm (%s) Tj"
                % (font.encode(), size, _MARGIN, y_pos, _pdf_text(text))
            )
        stream.append(
            b"/F1 8 Tf 1 0 0 1 %d 30 Tm (%d / %d) Tj"
            % (_PAGE_WIDTH - _MARGIN - 20, number, len(pages))
        )
        stream.append(b"ET")
        content = b"\n".join(stream)
        content_id = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
                % (tree, _PAGE_WIDTH, _PAGE_HEIGHT, regular, bold, content_id)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    info = add(
        b"<< /Title (%s) /Author (%s) /Producer (Ferghana Network Portal demo) >>"
        % (_pdf_text(title), _pdf_text(author))
    )

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, info, xref)
    )
    return out.getvalue()


# --- DOCX ---------------------------------------------------------------------

_PKG = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006"
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{_WORD_MAIN}"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/relationships/officeDocument" Target="word/document.xml"/>'
    f'<Relationship Id="rId2" Type="{_PKG}/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    "</Relationships>"
)


def _docx_paragraph(text: str, *, size: int = 22, bold: bool = False) -> str:
    run_props = f'<w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="{size}"/></w:rPr>'
    return f'<w:p><w:r>{run_props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def docx_document(title: str, sections: list[tuple[str, str]], *, language: str = "ru-RU") -> bytes:
    """A minimal WordprocessingML package that Word and LibreOffice open."""
    body = [_docx_paragraph(title, size=32, bold=True)]
    for heading, paragraph in sections:
        if heading:
            body.append(_docx_paragraph(heading, size=26, bold=True))
        body.append(_docx_paragraph(paragraph))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:body>{"".join(body)}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134"/></w:sectPr>'
        "</w:body></w:document>"
    )
    created = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:language>{language}</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
        "</cp:coreProperties>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _RELS)
        package.writestr("word/document.xml", document)
        package.writestr("docProps/core.xml", core)
    return out.getvalue()


# --- Tables and text ----------------------------------------------------------


def csv_document(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    # A byte-order mark lets spreadsheet programs read the UTF-8 correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_document(title: str, header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(12, width + 2))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def text_document(title: str, sections: list[tuple[str, str]]) -> bytes:
    parts = [title, "=" * len(title), ""]
    for heading, paragraph in sections:
        if heading:
            parts += [heading, "-" * len(heading)]
        parts += [paragraph, ""]
    return "\r\n".join(parts).encode("utf-8")
