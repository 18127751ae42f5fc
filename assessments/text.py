"""Typed text as it is stored and exported: characters that XML (XLSX, the PDF's SVG)
cannot hold are dropped, line ends are LF."""

import re

# XML 1.0 allows tab, LF and CR among the C0 controls and no noncharacter or lone
# surrogate; an XLSX holding one of them does not open. They arrive by pasting from
# word processors and PDFs, never as meaningful text.
_NONCHARACTERS = "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
NOT_XML_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]"
)


def clean_text(value: str) -> str:
    """`value` with CRLF and lone CR turned into LF and the characters above dropped."""
    return NOT_XML_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
