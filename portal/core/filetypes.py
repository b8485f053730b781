"""What a file really is, read from its bytes rather than trusted from its name.

A name is whatever the uploader typed: `invoice.pdf` may be a program. Every
place that accepts a file asks this module, so the portal has one idea of what
a ZIP, an OLE2 document or a PDF looks like:

    from portal.core import filetypes
    filetypes.container(data[:8])                   # ZIP, OLE2 or None
    filetypes.proven_type(uploaded_file, "docx")    # the MIME type, or None

What each place accepts and what it tells the person stays with that place
(workspace files in portal/members/files.py, case imports in
portal/reports/imports.py).
"""

import zipfile
import zlib

import filetype

# Enough for every signature filetype knows and for the text check below.
SNIFF_BYTES = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

ZIP = "zip"  # OOXML (.docx, .xlsx, .pptx), OpenDocument, or any other zip archive
OLE2 = "ole2"  # the container of legacy Office files (.doc, .xls, .ppt)

_OOXML = {
    "docx": ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
_ODF = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
_OLE2 = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
_SIMPLE = {
    "pdf": "application/pdf",
    "rtf": "application/rtf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
_TEXT = {"txt": "text/plain", "csv": "text/csv"}

# Every extension whose content proven_type can check.
EXTENSIONS = tuple(sorted({*_OOXML, *_ODF, *_OLE2, *_SIMPLE, *_TEXT}))


def container(head):
    """ZIP or OLE2 when the bytes open such a container, else None. Both hold
    several formats: what is inside decides which (see proven_type)."""
    if head.startswith(ZIP_MAGIC):
        return ZIP
    if head.startswith(OLE2_MAGIC):
        return OLE2
    return None


def _zip_members(uploaded_file):
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            return names, mimetype
    # A damaged or odd archive is a refused upload, not an error: corrupt
    # deflate data (zlib.error), a truncated entry (EOFError), an unsupported
    # compression method (NotImplementedError).
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        OSError,
        KeyError,
        RuntimeError,
    ):
        return None, b""
    finally:
        uploaded_file.seek(0)


def proven_type(uploaded_file, extension):
    """The MIME type the content proves for ``extension`` (lower case, no dot),
    or None when the content does not match it or the extension is not one of
    EXTENSIONS. Reads a seekable file and leaves it at its start."""
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(0)
    guessed = filetype.guess(head)
    guessed_mime = guessed.mime if guessed else None
    kind = container(head)

    if extension in _SIMPLE:
        return _SIMPLE[extension] if guessed_mime == _SIMPLE[extension] else None
    if extension in _TEXT:
        # Text has no magic number: accept what no binary signature claims and
        # what holds no NUL byte (UTF-8 and the region's legacy encodings both pass).
        return _TEXT[extension] if guessed is None and b"\x00" not in head else None
    if extension in _OLE2:
        ole_family = {None, *_OLE2.values()}
        return _OLE2[extension] if kind == OLE2 and guessed_mime in ole_family else None
    if kind != ZIP:
        return None
    names, mimetype = _zip_members(uploaded_file)
    if names is None:
        return None
    if extension in _OOXML:
        folder, mime = _OOXML[extension]
        ok = "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
        return mime if ok else None
    if extension in _ODF:
        return _ODF[extension] if mimetype == _ODF[extension].encode("ascii") else None
    return None


def extension_for(mime):
    """The usual extension of a type proven_type returns ("pdf" for
    application/pdf), for naming a download when the uploaded name was not
    kept; "" for any other type."""
    for table in (_SIMPLE, _TEXT, _OLE2, _ODF):
        for extension, known in table.items():
            if known == mime:
                return extension
    for extension, (_folder, known) in _OOXML.items():
        if known == mime:
            return extension
    return ""
