"""An upload's type is proven by its bytes: a name alone never makes a file a PDF.

portal.core.filetypes is asked by workspace uploads (portal/members/files.py) and
case imports (portal/reports/imports.py); their own tests check the messages a
person sees, these check the detection itself.
"""

import io
import zipfile

import pytest
from openpyxl import Workbook
from PIL import Image

from portal.core import filetypes
from portal.members.pdf import simple_pdf

EXE = b"MZ\x90\x00" + b"\x00" * 200
# The header of a compound document (legacy Office): signature, then zeros.
OLE2_DOCUMENT = filetypes.OLE2_MAGIC + b"\x00" * 1024


def image(fmt):
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, fmt)
    return out.getvalue()


def xlsx():
    book = Workbook()
    book.active.append(["district", "visits"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zipped(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


def ooxml(folder):
    return zipped(
        {
            "[Content_Types].xml": "<Types/>",
            "_rels/.rels": "<Relationships/>",
            f"{folder}/document.xml": "<x/>",
        }
    )


def odf(mime):
    # The mimetype entry comes first and stored, as the OpenDocument standard asks.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mime)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def proven(content, extension):
    return filetypes.proven_type(io.BytesIO(content), extension)


ACCEPTED = [
    ("pdf", simple_pdf(["Referral procedure"]), "application/pdf"),
    ("png", image("PNG"), "image/png"),
    ("jpg", image("JPEG"), "image/jpeg"),
    ("jpeg", image("JPEG"), "image/jpeg"),
    ("webp", image("WEBP"), "image/webp"),
    ("rtf", rb"{\rtf1\ansi Minutes}", "application/rtf"),
    (
        "docx",
        ooxml("word"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (
        "pptx",
        ooxml("ppt"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (
        "odt",
        odf("application/vnd.oasis.opendocument.text"),
        "application/vnd.oasis.opendocument.text",
    ),
    (
        "ods",
        odf("application/vnd.oasis.opendocument.spreadsheet"),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    (
        "odp",
        odf("application/vnd.oasis.opendocument.presentation"),
        "application/vnd.oasis.opendocument.presentation",
    ),
    ("doc", OLE2_DOCUMENT, "application/msword"),
    ("xls", OLE2_DOCUMENT, "application/vnd.ms-excel"),
    ("ppt", OLE2_DOCUMENT, "application/vnd.ms-powerpoint"),
    ("csv", "район,визиты\nОш,4\n".encode(), "text/csv"),
    # The region's legacy encodings are text too.
    ("txt", "Заметки".encode("cp1251"), "text/plain"),
]


@pytest.mark.parametrize(("extension", "content", "mime"), ACCEPTED)
def test_a_real_file_is_accepted_with_the_type_its_content_proves(extension, content, mime):
    assert proven(content, extension) == mime


def test_every_type_the_portal_accepts_has_a_real_sample_above():
    assert {extension for extension, _, _ in ACCEPTED} == set(filetypes.EXTENSIONS)


@pytest.mark.parametrize(
    ("extension", "content"),
    [
        ("pdf", EXE),  # a program renamed invoice.pdf
        ("txt", EXE),
        ("docx", EXE),
        ("pdf", image("PNG")),
        ("png", simple_pdf(["x"])),
        ("jpg", image("PNG")),
        ("txt", b"text\x00with a NUL"),
        ("csv", image("PNG")),
        ("xlsx", ooxml("word")),  # a Word document renamed .xlsx
        ("docx", xlsx()),
        ("pptx", ooxml("word")),
        ("ods", odf("application/vnd.oasis.opendocument.text")),
        ("docx", b"PK\x03\x04not really a zip"),
        ("odt", zipped({"content.xml": "<x/>"})),  # a zip without the OpenDocument mimetype
        ("docx", OLE2_DOCUMENT),  # an old .doc renamed .docx
        ("doc", ooxml("word")),  # and the other way round
        ("doc", b"\xd0\xcf\x11\xe0 only half the signature"),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(extension, content):
    assert proven(content, extension) is None


@pytest.mark.parametrize("extension", ["pdf", "png", "docx", "xlsx", "odt", "doc"])
def test_an_empty_file_proves_no_binary_type(extension):
    assert proven(b"", extension) is None


@pytest.mark.parametrize(
    ("extension", "content"),
    [
        ("exe", EXE),
        ("html", b"<html><script>alert(1)</script></html>"),
        ("svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("js", b"alert(1)"),
        ("", b"plain"),
        ("PDF", simple_pdf(["x"])),  # callers pass the extension lower-cased
    ],
)
def test_a_type_outside_the_list_is_never_proven_whatever_the_content(extension, content):
    assert proven(content, extension) is None


def test_a_damaged_archive_is_refused_not_an_error():
    good = bytearray(odf("application/vnd.oasis.opendocument.text"))
    central = good.index(b"PK\x01\x02")
    good[8:10] = good[central + 10 : central + 12] = (99).to_bytes(2, "little")  # no such method

    assert proven(bytes(good), "odt") is None


def test_the_file_is_left_at_its_start_so_it_is_stored_whole():
    content = xlsx()
    upload = io.BytesIO(content)
    upload.read(10)

    filetypes.proven_type(upload, "xlsx")

    assert upload.read() == content


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (xlsx()[:8], filetypes.ZIP),
        (odf("application/vnd.oasis.opendocument.text")[:8], filetypes.ZIP),
        (OLE2_DOCUMENT[:8], filetypes.OLE2),
        (simple_pdf(["x"])[:8], None),
        (b"a,b\n1,2\n", None),
        (b"", None),
        # The first four bytes of the OLE2 signature do not make a compound document.
        (b"\xd0\xcf\x11\xe0abcd", None),
    ],
)
def test_the_container_is_named_from_the_first_bytes(head, kind):
    assert filetypes.container(head) == kind


def test_the_case_import_calls_only_a_whole_ole2_signature_an_old_excel_file():
    from portal.reports.imports import ImportFileError, detect_format

    with pytest.raises(ImportFileError) as old_excel:
        detect_format("cases.csv", OLE2_DOCUMENT[:8])
    assert (old_excel.value.status, "(.xls)" in old_excel.value.message) == (415, True)
    # Half the signature is a damaged or foreign file: judged by its name like any other.
    assert detect_format("cases.csv", b"\xd0\xcf\x11\xe0abcd") == "csv"
