"""An uploaded document as blocks of text, by its content, not its name: a .docx (each
paragraph a block), a PDF with a text layer (each line a block) or plain text (each
line a block). Anything else, and anything over the limits, is refused with a reason."""

import io
import re
import zipfile

from django.utils.translation import gettext as _

from . import limits

ARABIC_INDIC_RUN_RE = re.compile("[\u0660-\u0669\u06f0-\u06f9]{2,}")
UTF_BOMS = {b"\xef\xbb\xbf": "utf-8-sig", b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}


class DocumentError(ValueError):
    """The document cannot be read; the message says why, for the secretariat."""


def read_blocks(data: bytes) -> list[str]:
    if len(data) > limits.MAX_DOCUMENT_BYTES:
        raise DocumentError(
            _("The file is larger than %(size)d MB.")
            % {"size": limits.MAX_DOCUMENT_BYTES // (1024 * 1024)}
        )
    if not data:
        raise DocumentError(_("The file is empty."))
    if data.startswith(b"%PDF-"):
        blocks = _pdf_blocks(data)
    elif data.startswith(b"PK\x03\x04"):
        blocks = _docx_blocks(data)
    else:
        blocks = _text_blocks(data)
    if len(blocks) > limits.MAX_BLOCKS or sum(map(len, blocks)) > limits.MAX_TEXT_CHARACTERS:
        raise DocumentError(_("The document is longer than a report can be."))
    if not any(block.strip() for block in blocks):
        raise DocumentError(_("The document holds no text."))
    return blocks


def _text_blocks(data: bytes) -> list[str]:
    # Plain text is UTF-8 (the UN's documents system saves it so); a byte order mark
    # also admits UTF-16. Other encodings cannot be told apart reliably, so they are
    # refused rather than guessed.
    encoding = next((name for bom, name in UTF_BOMS.items() if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise DocumentError(
            _(
                "The file is neither a .docx, nor a PDF, nor plain text in UTF-8: save it "
                "as one of these."
            )
        ) from None
    if "\x00" in text:
        raise DocumentError(_("The file is not a text file."))
    return text.splitlines()


def _docx_blocks(data: bytes) -> list[str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise DocumentError(_("The file is a damaged archive, not a .docx.")) from None
    # Declared sizes are checked before anything is unpacked (a "ZIP bomb"), and the
    # reading below is bounded again in case the declared sizes lie.
    if (
        len(members) > limits.MAX_DOCX_MEMBERS
        or sum(member.file_size for member in members) > limits.MAX_DOCX_UNPACKED_BYTES
    ):
        raise DocumentError(_("The .docx unpacks to more than a report can be."))
    if "word/document.xml" not in archive.namelist():
        raise DocumentError(_("The archive is not a .docx (it has no Word document in it)."))
    if archive.getinfo("word/document.xml").file_size > limits.MAX_DOCX_DOCUMENT_XML_BYTES:
        raise DocumentError(_("The .docx unpacks to more than a report can be."))
    unpacked = 0
    for member in members:
        with archive.open(member) as file:
            while chunk := file.read(1024 * 1024):
                unpacked += len(chunk)
                if unpacked > limits.MAX_DOCX_UNPACKED_BYTES:
                    raise DocumentError(_("The .docx unpacks to more than a report can be."))
    import docx  # python-docx: loaded only when a .docx is read

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:
        # python-docx raises a variety of errors (KeyError, XMLSyntaxError, ValueError)
        # on a malformed package; to the secretariat they all mean the same.
        raise DocumentError(_("The .docx cannot be read: it is damaged.")) from None
    blocks = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.extend(cell.text for cell in row.cells)
    return blocks


def _arabic_digits_in_order(line: str) -> str:
    """pypdf puts a right-to-left line in reading order, but a number in Arabic-Indic
    digits comes out reversed ("٢١" for 12): each run of them is turned back."""
    return ARABIC_INDIC_RUN_RE.sub(lambda run: run[0][::-1], line)


def _pdf_blocks(data: bytes) -> list[str]:
    import pypdf  # loaded only when a PDF is read

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError(_("The PDF is protected with a password."))
        if len(reader.pages) > limits.MAX_PDF_PAGES:
            raise DocumentError(
                _("The PDF has more than %(pages)d pages.") % {"pages": limits.MAX_PDF_PAGES}
            )
        blocks = []
        for page in reader.pages:
            blocks.extend(map(_arabic_digits_in_order, page.extract_text().splitlines()))
            blocks.append("")
    except DocumentError:
        raise
    except Exception:
        # pypdf's errors on a malformed file are many (PdfReadError, KeyError, ...).
        raise DocumentError(_("The PDF cannot be read: it is damaged.")) from None
    if not any(block.strip() for block in blocks):
        raise DocumentError(
            _("The PDF has no text layer (a scanned document?): download it as text or .docx.")
        )
    return blocks
