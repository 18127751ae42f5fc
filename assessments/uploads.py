"""Evidence files are untrusted: their type is decided by their content, not their name."""

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


PDF = FileType(".pdf", "application/pdf")
DOCX = FileType(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOC = FileType(".doc", "application/msword")
XLS = FileType(".xls", "application/vnd.ms-excel")
PNG = FileType(".png", "image/png")
JPEG = FileType(".jpg", "image/jpeg")

EXTENSIONS = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".doc": DOC,
    ".xls": XLS,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
}
ACCEPT = ",".join(EXTENSIONS)


def clean_filename(name: str) -> str:
    """The name shown and offered on download: no folders, no control characters."""
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-200:] or "evidence"


def _head(upload, size: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _zip_members(upload) -> set[str]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()
    finally:
        upload.seek(0)


def _is_image(upload, expected_format: str) -> bool:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
            return image.format == expected_format
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False
    finally:
        upload.seek(0)


def _content_matches(upload, expected: FileType) -> bool:
    head = _head(upload)
    if expected is PDF:
        return head.startswith(b"%PDF-")
    if expected in (DOCX, XLSX):
        members = _zip_members(upload)
        main_part = "word/document.xml" if expected is DOCX else "xl/workbook.xml"
        return "[Content_Types].xml" in members and main_part in members
    if expected in (DOC, XLS):
        return head == OLE2_MAGIC
    if expected is PNG:
        return _is_image(upload, "PNG")
    return _is_image(upload, "JPEG")


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def check_upload(upload) -> FileType:
    """Refuse empty, oversized, unsupported or disguised files, naming what is wrong."""
    name = clean_filename(upload.name)
    if upload.size == 0:
        raise ValidationError(_("The file %(name)s is empty."), params={"name": name})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file %(name)s is %(size)s; files may be at most %(max)s."),
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            },
        )
    expected = EXTENSIONS.get(PurePath(name).suffix.lower())
    if expected is None:
        raise ValidationError(
            _("%(name)s is not an accepted type. Accepted: PDF, Word, Excel, PNG and JPEG."),
            params={"name": name},
        )
    if not _content_matches(upload, expected):
        raise ValidationError(
            _("The content of %(name)s is not a %(extension)s file."),
            params={"name": name, "extension": expected.extension.lstrip(".").upper()},
        )
    return expected
