"""Content checks of uploaded documents: the type is sniffed from the bytes, never the name.

The sniffed type must be one the document's kind allows and agree with the file name's
extension. Upload size is capped while Django reads the request (``CappedUploadHandler``, the
first of ``FILE_UPLOAD_HANDLERS``), so a file over the ceiling is never read whole; the
rulebook's limit is checked on the size before anything reaches the documents storage.
"""

import hashlib
import re
import zipfile

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

from apps.core.errors import DomainError

from .models import DocumentKind

# --- documents and disputes ---

PDF, PNG, JPEG, DWG, DXF, DOCX, XLSX, ZIP = "pdf", "png", "jpeg", "dwg", "dxf", "docx", "xlsx", "zip"
#: sniffed type -> (content type served, extensions it may carry)
TYPES = {
    PDF: ("application/pdf", {".pdf"}),
    PNG: ("image/png", {".png"}),
    JPEG: ("image/jpeg", {".jpg", ".jpeg"}),
    DWG: ("image/vnd.dwg", {".dwg"}),
    DXF: ("image/vnd.dxf", {".dxf"}),
    DOCX: ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {".docx"}),
    XLSX: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    ZIP: ("application/zip", {".zip"}),
}
K = DocumentKind
#: document kind -> the sniffed types it accepts
ALLOWED = {
    K.DRAWING: {PDF, DWG, DXF, PNG, JPEG},
    K.SPECIFICATION: {PDF, DOCX, XLSX},
    K.TECH_PACK: {PDF, DOCX, XLSX, ZIP, PNG, JPEG},
    K.CERTIFICATE: {PDF, PNG, JPEG},
    K.INSPECTION_REPORT: {PDF, DOCX, XLSX, PNG, JPEG},
    K.SHIPPING_DOCUMENT: {PDF, XLSX, PNG, JPEG},
    K.PHOTO: {PNG, JPEG},
}
HEAD_BYTES = 4096
#: AutoCAD drawings open with their format version: AC1012 … AC1032
DWG_MAGIC = re.compile(rb"AC10[0-9]{2}")


def _sniff_zip(file) -> str | None:
    """A ZIP container: an OOXML document by the part it must hold, else a plain archive."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return ZIP


def sniff(file) -> str | None:
    """The type of ``file`` by its leading bytes (None: not a type the deal room knows)."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if DWG_MAGIC.match(head):
        return DWG
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(file)
    text = head.lstrip()
    if text[:1] == b"0" and text[1:].lstrip(b" \t")[:1] in (b"\r", b"\n") and b"SECTION" in text[:64]:
        return DXF
    return None


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def check_content(*, file, name: str, kind: str) -> str:
    """The content type of an acceptable file, or a ``DomainError`` naming ``file``."""
    return check_types(file=file, name=name, allowed=ALLOWED[kind], what=K(kind).label.lower())


def check_types(*, file, name: str, allowed: set[str], what: str) -> str:
    """The content type of a file whose sniffed type is one of ``allowed`` and agrees with its name's
    extension, or a ``DomainError`` naming ``file``; ``what`` names the document in the refusal."""
    sniffed = sniff(file)
    file.seek(0)
    if sniffed is None or sniffed not in allowed:
        raise DomainError(
            _("This file's content is not one a %(kind)s may be (%(allowed)s).")
            % {"kind": what, "allowed": ", ".join(sorted(allowed)).upper()},
            field="file",
            code="content_type",
        )
    content_type, extensions = TYPES[sniffed]
    if extension_of(name) not in extensions:
        raise DomainError(
            _("The file's name must end in %(extensions)s: its content is %(type)s.")
            % {"extensions": " / ".join(sorted(extensions)), "type": sniffed.upper()},
            field="file",
            code="extension",
        )
    return content_type


def sha256_of(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def upload_cut_short(request, form, field: str = "file") -> bool:
    """Whether ``CappedUploadHandler`` stopped reading the request's file: then the form says so
    on ``field`` (or above the form, where the field is not offered), and the view goes no further."""
    if not getattr(request, "upload_refused", False):
        return False
    form.add_error(field if field in form.fields else None, str(_("The file is too large.")))
    return True


class CappedUploadHandler(FileUploadHandler):
    """Stops reading an upload once a file passes the ceiling (the largest the rulebook allows),
    and marks the request (``request.upload_refused``) so the view names the field."""

    def receive_data_chunk(self, raw_data, start):
        from .rules import UPLOAD_CEILING_BYTES

        if start + len(raw_data) > UPLOAD_CEILING_BYTES:
            if self.request is not None:
                self.request.upload_refused = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def as_file(data: bytes, name: str = "upload"):
    """Bytes as an uploaded file (services and tests)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
