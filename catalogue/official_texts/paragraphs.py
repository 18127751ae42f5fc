"""The numbered paragraphs of a UN document, read from its blocks of text.

A UN report numbers its paragraphs "1.", "2.", ... (Arabic documents "1 -", with
Western or Arabic-Indic digits; Chinese "1." or "1．"), each number one more than the
last: that sequence is what tells a paragraph from a footnote ("3 See ..."), a date or
a list inside a quotation. Lettered sub-paragraphs ("(a)", "a)", "(أ)", "а)") start
their own block and are counted in order, whatever the script. Headers and footers
(the document symbol, page numbers, the job number, running heads repeated on every
page) are dropped; a heading ("II.", "一.", "ثانيا -") ends the paragraph before it.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..bidi import without_controls
from .places import Place

DIGITS = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９．（）",
    "012345678901234567890123456789.()",
)
PARAGRAPH_RE = re.compile(r"^(?P<number>[1-9][0-9]{0,2})\s*(?:\.|\s-|\s–)\s*(?P<text>\S.*)$")
# Right-to-left lines extracted from a PDF may carry the number at their end.
PARAGRAPH_AT_END_RE = re.compile(r"^(?P<text>\S.*?)\s*[-–]\s*(?P<number>[1-9][0-9]{0,2})$")
ARABIC_LETTER_RE = re.compile("[\u0621-\u064a]")
SUBPARAGRAPH_RE = re.compile(
    r"^\(?(?:[a-z]|[а-яё]|[\u0621-\u064a]\u0640?)\)\s*(?P<text>\S.*)$", re.IGNORECASE
)
# A right-to-left line extracted from a PDF may carry its marker at its end, mirrored.
SUBPARAGRAPH_AT_END_RE = re.compile(r"^(?P<text>\S.*?)\s*\)[\u0621-\u064a]\u0640?\($")
HEADING_RE = re.compile(
    r"^(?:[IVXL]+\.|[A-H]\.|[一二三四五六七八九十]+[.、]|"
    r"(?:أولا|ثانيا|ثالثا|رابعا|خامسا|سادسا|سابعا|ثامنا|تاسعا|عاشرا)\s*[-–])\s*\S"
)
SYMBOL_LINE_RE = re.compile(r"^[A-Z]+/[\w./]+(?:\s*[-–]\s*[A-Z]+/[\w./]+)*(?:\s*\*)?$")
PAGE_NUMBER_RE = re.compile(r"^(?:[0-9]{1,3}(?:\s*/\s*[0-9]{1,3})?|-\s*[0-9]{1,3}\s*-)$")
JOB_NUMBER_RE = re.compile(r"^[0-9]{2}-[0-9]{5}\b")
FOOTNOTE_RE = re.compile(r"^(?:[0-9]{1,3}|[*†])\s+\S")
SENTENCE_END_RE = re.compile(r"(?<=[.!?؟])\s+(?=\S)|(?<=[。！？])")
CJK_RE = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
REPORT_OF_THE_SECRETARY_GENERAL = (
    "Report of the Secretary-General",
    "Rapport du Secrétaire général",
    "Informe del Secretario General",
    "Доклад Генерального секретаря",
    "تقرير الأمين العام",
    "秘书长的报告",
    "秘书长报告",
)
# A short block seen this often is a running head or foot, not text.
RUNNING_REPEATS = 2
RUNNING_MAX_LENGTH = 200
# How many lines from the symbol or page number a running head may sit.
RUNNING_DISTANCE = 2


@dataclass
class Paragraph:
    number: int
    lead: list[str] = field(default_factory=list)
    subparagraphs: list[list[str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_lines(self.lead + [join_lines(sub) for sub in self.subparagraphs])

    def sentences(self) -> list[str]:
        return [part.strip() for part in SENTENCE_END_RE.split(self.text) if part.strip()]


@dataclass
class ParsedDocument:
    paragraphs: dict[int, Paragraph]
    title: str
    text: str


def join_lines(lines: list[str]) -> str:
    """Lines of one text joined: with a space, except between two CJK characters
    (Chinese has no spaces between words)."""
    joined = ""
    for line in filter(None, (line.strip() for line in lines)):
        if joined and not (CJK_RE.match(joined[-1]) and CJK_RE.match(line[0])):
            joined += " "
        joined += line
    return joined


def clean(block: str) -> str:
    return without_controls(block.replace("\xa0", " ").replace("\ufeff", "")).strip()


def parse_document(blocks: list[str]) -> ParsedDocument:
    # Structure is read on `keys` (Western digits, ASCII brackets), text kept from
    # `lines` as written: the translation is one character for one, so positions agree.
    lines = [clean(block) for block in blocks]
    keys = [line.translate(DIGITS) for line in lines]
    counts = Counter(key for key in keys if key)
    running = _running_heads(keys, counts)
    paragraphs: dict[int, Paragraph] = {}
    current: Paragraph | None = None
    in_footnote = False
    last_number = 0
    for line, key in zip(lines, keys, strict=True):
        if not key or key in running or _is_header_or_footer(key):
            in_footnote = False
            continue
        number, start, end = _paragraph_start(key, last_number)
        if number is not None:
            current = paragraphs[number] = Paragraph(number=number, lead=[line[start:end]])
            last_number, in_footnote = number, False
            continue
        if HEADING_RE.match(key):
            current, in_footnote = None, False
            continue
        if in_footnote or FOOTNOTE_RE.match(key):
            in_footnote = True
            continue
        if current is None:
            continue
        subparagraph = SUBPARAGRAPH_RE.match(key) or SUBPARAGRAPH_AT_END_RE.match(key)
        if subparagraph:
            current.subparagraphs.append(
                [line[subparagraph.start("text") : subparagraph.end("text")]]
            )
        elif current.subparagraphs:
            current.subparagraphs[-1].append(line)
        else:
            current.lead.append(line)
    return ParsedDocument(
        paragraphs=paragraphs, title=_title(lines, keys, running), text="\n".join(keys)
    )


def _running_heads(keys: list[str], counts: Counter) -> set[str]:
    """Short lines repeated on every page: only those that always sit beside the
    symbol, the page number or the job number, so that a line of text that happens to
    repeat (a wrapped "the responsibility to protect;") is kept."""
    edges = {
        index
        for index, key in enumerate(keys)
        if key and _is_header_or_footer(key)
        for index in range(index - RUNNING_DISTANCE, index + RUNNING_DISTANCE + 1)
    }
    positions: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        if counts[key] >= RUNNING_REPEATS and len(key) <= RUNNING_MAX_LENGTH:
            positions.setdefault(key, []).append(index)
    return {key for key, found in positions.items() if all(i in edges for i in found)}


def _is_header_or_footer(line: str) -> bool:
    return bool(
        SYMBOL_LINE_RE.match(line) or PAGE_NUMBER_RE.match(line) or JOB_NUMBER_RE.match(line)
    )


def _paragraph_start(key: str, last_number: int) -> tuple[int | None, int, int]:
    """The number of the paragraph `key` starts, and where its text is in the line."""
    for pattern in (PARAGRAPH_RE, PARAGRAPH_AT_END_RE):
        match = pattern.match(key)
        if match is None or (pattern is PARAGRAPH_AT_END_RE and not ARABIC_LETTER_RE.search(key)):
            continue
        number = int(match["number"])
        # Paragraphs count up from 1, one at a time: anything else is not a paragraph.
        if number == last_number + 1:
            return number, match.start("text"), match.end("text")
    return None, 0, 0


def _title(lines: list[str], keys: list[str], running: set[str]) -> str:
    """The title: the text just above "Report of the Secretary-General" in the
    document's language, as UN reports print it."""
    for index, key in enumerate(keys):
        if any(key.startswith(marker) for marker in REPORT_OF_THE_SECRETARY_GENERAL):
            title: list[str] = []
            for above in reversed(range(index)):
                key = keys[above]
                if not key or key in running or _is_header_or_footer(key):
                    continue
                title.insert(0, lines[above])
                # A title wrapped over lines (a PDF's) goes on in lower case; a title
                # starts with a capital, or is in a script without case.
                if not key[0].islower():
                    break
            return join_lines(title).strip('“”"«» ')
    return ""


def text_at(document: ParsedDocument, place: Place) -> tuple[str, str]:
    """The text at `place`, or "" and why there is none."""
    paragraph = document.paragraphs.get(place.paragraph)
    if paragraph is None:
        return "", _("Paragraph %(number)d is not in the document.") % {"number": place.paragraph}
    if place.subparagraph is not None:
        if place.subparagraph > len(paragraph.subparagraphs):
            return "", _(
                "Paragraph %(number)d has %(count)d lettered sub-paragraphs, not %(wanted)d."
            ) % {
                "number": place.paragraph,
                "count": len(paragraph.subparagraphs),
                "wanted": place.subparagraph,
            }
        return join_lines(paragraph.subparagraphs[place.subparagraph - 1]), ""
    if place.sentence is not None:
        sentences = paragraph.sentences()
        if place.sentence > len(sentences):
            return "", _("Paragraph %(number)d has %(count)d sentences, not %(wanted)d.") % {
                "number": place.paragraph,
                "count": len(sentences),
                "wanted": place.sentence,
            }
        return sentences[place.sentence - 1], ""
    return paragraph.text, ""
