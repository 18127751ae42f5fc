"""Bounds on an uploaded official document, declared once. A UN report in any of the six
languages is some 20 pages, 80 numbered paragraphs and under 1 MB as a PDF or a .docx;
the bounds are far above that and keep reading it within time and memory."""

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# The upload's request: the document and the form fields and multipart headers beside it.
MAX_UPLOAD_REQUEST_BYTES = MAX_DOCUMENT_BYTES + 64 * 1024
MAX_PDF_PAGES = 150
# The .docx is a ZIP: what it unpacks to, and how many files, bounded before reading.
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_DOCX_MEMBERS = 1000
# The text itself (word/document.xml), which is parsed in memory.
MAX_DOCX_DOCUMENT_XML_BYTES = 10 * 1024 * 1024
MAX_BLOCKS = 20000
MAX_TEXT_CHARACTERS = 2_000_000
