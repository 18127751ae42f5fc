"""Parse the recommendations of the Secretary-General's R2P reports from the source text.

The source is text extracted from a PDF: one tab-separated table per report
(Target | Recommendations/Actions | Relevant Paragraphs) whose rows are split
across pages. The parser re-joins what the page breaks cut and refuses
anything it does not recognise, so that a changed source fails loudly instead
of producing a subtly different catalogue.
"""

import re
from dataclasses import dataclass, field

# (code, name) in display order; a target's position is its index + 1.
TARGETS: tuple[tuple[str, str], ...] = (
    ("MS", "Member States"),
    ("RSO", "Regional and Subregional Organizations"),
    ("UN", "United Nations"),
    ("GA", "General Assembly"),
    ("CS", "Civil Society"),
    (
        "IDA",
        "International Development Actors "
        "(including bilateral donors, multilateral banks, private sector)",
    ),
)
TARGET_CODES = {name: code for code, name in TARGETS}

HEADING_START_RE = re.compile(r"^\d+\.\s+\d{4}\s+Report\b")
HEADING_RE = re.compile(
    r"^(?P<number>\d+)\.\s+(?P<year>\d{4})\s+Report\s+\((?P<symbol>[^()]+(?:\(#\))?)\)\s*(?P<title>.*)$"
)
SYMBOL_LINK_RE = re.compile(r"^\[(?P<symbol>[^\]]+)\]\(#\)$")
SYMBOL_RE = re.compile(r"^[A-Z]+/[0-9A-Z]+(?:/[0-9A-Z.]+)*(?:-[A-Z]+/[0-9A-Z]+(?:/[0-9A-Z.]+)*)*$")
FOCUS_PREFIX = "Focus:"
HEADER_PREFIX = "Target"
SEPARATOR_CELL_RE = re.compile(r"^-+$")
LIST_OPEN_TAG = '<ul style="list-style-type: none">'
PARAGRAPH_TAG_RE = re.compile(r"<p>(.*?)</p>")
BULLET_RE = re.compile(r"(?:^|(?<=\s))-(?:\s+|$)")
# Two references separated only by a space ("13–27 46–47") are two items of the list.
BARE_SPACE_BETWEEN_REFERENCES_RE = re.compile(r"(?<=\d)\s+(?=\d)")
QUOTE_PAIRS = {"“": "”", '"': '"'}
CELLS_PER_ROW = 3


class SourceFormatError(ValueError):
    """The source text is not in the expected shape; `line` is 1-based."""

    def __init__(self, line: int, problem: str):
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}")


@dataclass(frozen=True)
class ParsedSection:
    target_code: str
    target_name: str
    paragraphs: str
    recommendations: list[str]


@dataclass(frozen=True)
class ParsedReport:
    number: int
    year: int
    symbol: str
    title: str
    focus: str
    sections: list[ParsedSection]


@dataclass
class _SectionDraft:
    line: int
    name: str
    paragraph_parts: list[str] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)

    @property
    def name_is_complete(self) -> bool:
        return self.name in TARGET_CODES


@dataclass
class _ReportDraft:
    line: int
    number: int
    year: int
    symbol: str
    title: str = ""
    focus: str = ""
    in_table: bool = False
    table_closed: bool = False
    sections: list[ParsedSection] = field(default_factory=list)
    current: _SectionDraft | None = None


def parse_source(text: str) -> list[ParsedReport]:
    parser = _Parser()
    # Only newlines end a line: str.splitlines() would also split at form feeds
    # and other separators a PDF extraction may leave, shifting line numbers.
    lines = [line.removesuffix("\r") for line in text.removeprefix("\ufeff").split("\n")]
    for number, line in enumerate(lines, start=1):
        parser.feed(number, line)
    parser.finish(len(lines))
    return parser.reports


class _Parser:
    def __init__(self):
        self.reports: list[ParsedReport] = []
        self.draft: _ReportDraft | None = None

    def feed(self, number: int, line: str) -> None:
        if not line.strip():
            return
        if HEADING_START_RE.match(line):
            self._finish_report()
            self.draft = _start_report(number, line, self.reports)
        elif self.draft is None:
            _check_preamble(number, line)
        elif self.draft.in_table:
            _table_line(self.draft, number, line)
        elif self.draft.table_closed:
            raise SourceFormatError(
                number, f"text after the table of the {self.draft.year} report: {_excerpt(line)}"
            )
        else:
            _summary_line(self.draft, number, line)

    def finish(self, end_line: int) -> None:
        self._finish_report()
        if not self.reports:
            raise SourceFormatError(end_line, "no report found in the source")

    def _finish_report(self) -> None:
        if self.draft is not None:
            self.reports.append(_finish_report(self.draft))
            self.draft = None


def _excerpt(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= length else text[:length] + "…")


def _check_preamble(number: int, line: str) -> None:
    if "\t" in line:
        raise SourceFormatError(number, "table row before the first report heading")
    if line.lstrip().startswith("-") or "<" in line:
        raise SourceFormatError(number, "recommendation text outside a report table")


def _start_report(number: int, line: str, reports: list[ParsedReport]) -> _ReportDraft:
    match = HEADING_RE.match(line.strip())
    if match is None:
        raise SourceFormatError(
            number,
            f"malformed report heading (expected 'N. YYYY Report (symbol)'): {_excerpt(line)}",
        )
    year = int(match["year"])
    report_number = int(match["number"])
    if any(report.year == year for report in reports):
        raise SourceFormatError(number, f"duplicate report year {year}")
    if any(report.number == report_number for report in reports):
        raise SourceFormatError(number, f"duplicate report number {report_number}")
    draft = _ReportDraft(
        line=number, number=report_number, year=year, symbol=_clean_symbol(number, match["symbol"])
    )
    if match["title"]:
        draft.title = _clean_title(number, match["title"])
    return draft


def _clean_symbol(number: int, raw: str) -> str:
    symbol = raw.strip()
    link = SYMBOL_LINK_RE.match(symbol)
    if link:
        symbol = link["symbol"].strip()
    if not SYMBOL_RE.match(symbol):
        raise SourceFormatError(number, f"malformed document symbol {raw!r}")
    return symbol


def _clean_title(number: int, raw: str) -> str:
    title = " ".join(raw.split())
    closing = QUOTE_PAIRS.get(title[0])
    if closing is not None:
        if len(title) < 2 or not title.endswith(closing):
            raise SourceFormatError(number, f"unbalanced quotes around the title {_excerpt(raw)}")
        title = title[1:-1].strip()
    title = title.removesuffix(".").strip()
    if not title:
        raise SourceFormatError(number, "empty report title")
    return title


def _summary_line(draft: _ReportDraft, number: int, line: str) -> None:
    """A line between a report heading and its table: title, focus or table header."""
    cells = line.split("\t")
    if len(cells) > 1:
        if not cells[0].strip().startswith(HEADER_PREFIX):
            raise SourceFormatError(
                number, f"table row before the table header of the {draft.year} report"
            )
        if not draft.title:
            raise SourceFormatError(number, f"the {draft.year} report has no title")
        draft.in_table = True
        return
    text = " ".join(line.split())
    if text.startswith("-") or "<" in text:
        raise SourceFormatError(number, "recommendation text outside a report table")
    if not draft.title:
        if text.startswith(FOCUS_PREFIX):
            raise SourceFormatError(
                number, f"the {draft.year} report has no title before its focus"
            )
        draft.title = _clean_title(number, text)
    elif not draft.focus:
        # The 2021 report's summary line has no "Focus:" prefix; it is the focus all the same.
        draft.focus = text.removeprefix(FOCUS_PREFIX).strip()
    else:
        raise SourceFormatError(number, f"unexpected text before the table: {_excerpt(text)}")


def _table_line(draft: _ReportDraft, number: int, line: str) -> None:
    cells = [cell.strip() for cell in line.split("\t")]
    if len(cells) > 1 and all(SEPARATOR_CELL_RE.match(cell) for cell in cells):
        _close_section(draft)
        draft.in_table = False
        draft.table_closed = True
        return
    if len(cells) != CELLS_PER_ROW:
        raise SourceFormatError(
            number,
            f"expected a table row of {CELLS_PER_ROW} tab-separated cells, found {len(cells)}: "
            f"{_excerpt(line)}",
        )
    target, recommendations, paragraphs = cells
    # A page break may repeat the table header; it carries no data.
    if target.startswith(HEADER_PREFIX):
        return
    if target:
        _target_cell(draft, number, target)
    if draft.current is None:
        raise SourceFormatError(number, "continuation row before the first target of the table")
    _add_recommendation_text(draft.current, number, recommendations)
    if paragraphs:
        draft.current.paragraph_parts.append(paragraphs)


def _target_cell(draft: _ReportDraft, number: int, name: str) -> None:
    name = " ".join(name.split())
    current = draft.current
    if current is not None and not current.name_is_complete:
        # A target name cut by a page break ("Regional and" / "Subregional Organizations").
        joined = f"{current.name} {name}"
        if _is_target_name_or_prefix(joined):
            current.name = joined
            return
        raise SourceFormatError(
            current.line, f"incomplete target name {current.name!r} (next row has {name!r})"
        )
    if not _is_target_name_or_prefix(name):
        raise SourceFormatError(number, f"unknown target {name!r}")
    _close_section(draft)
    draft.current = _SectionDraft(line=number, name=name)


def _is_target_name_or_prefix(name: str) -> bool:
    return any(known == name or known.startswith(name + " ") for known in TARGET_CODES)


def _add_recommendation_text(section: _SectionDraft, number: int, cell: str) -> None:
    text = _strip_markup(number, cell)
    lead, *bullets = BULLET_RE.split(text)
    if lead.strip():
        # Text before the first bullet finishes the previous row's last recommendation.
        if not section.recommendations:
            raise SourceFormatError(
                number, f"text without a recommendation bullet to continue: {_excerpt(lead)}"
            )
        section.recommendations[-1] = _join_words(section.recommendations[-1], lead)
    for bullet in bullets:
        if not bullet.strip():
            raise SourceFormatError(number, "empty recommendation bullet")
        section.recommendations.append(_join_words(bullet))


def _strip_markup(number: int, cell: str) -> str:
    text = PARAGRAPH_TAG_RE.sub(r" \1 ", cell.replace(LIST_OPEN_TAG, " "))
    if "<" in text or ">" in text:
        raise SourceFormatError(number, f"unbalanced or unexpected HTML in {_excerpt(cell)}")
    return text.strip()


def _join_words(*parts: str) -> str:
    return " ".join(" ".join(parts).split())


def _close_section(draft: _ReportDraft) -> None:
    section = draft.current
    if section is None:
        return
    draft.current = None
    if not section.name_is_complete:
        raise SourceFormatError(section.line, f"incomplete target name {section.name!r}")
    code = TARGET_CODES[section.name]
    if any(existing.target_code == code for existing in draft.sections):
        raise SourceFormatError(
            section.line, f"duplicate target {section.name!r} in the {draft.year} report"
        )
    if not section.recommendations:
        raise SourceFormatError(section.line, f"target {section.name!r} has no recommendations")
    paragraphs = _join_paragraphs(section.paragraph_parts)
    if not paragraphs:
        raise SourceFormatError(section.line, f"target {section.name!r} has no relevant paragraphs")
    draft.sections.append(
        ParsedSection(
            target_code=code,
            target_name=section.name,
            paragraphs=paragraphs,
            recommendations=list(section.recommendations),
        )
    )


def _join_paragraphs(parts: list[str]) -> str:
    joined = ""
    for part in parts:
        # A range cut by a page break ("51-" / "52") joins without a space.
        separator = "" if not joined or joined.endswith(("-", "–")) else " "
        joined += separator + " ".join(part.split())
    joined = BARE_SPACE_BETWEEN_REFERENCES_RE.sub(", ", joined)
    # A sentence period after the last reference ("62, 65.") is not part of the reference.
    return joined.removesuffix(".").strip()


def _finish_report(draft: _ReportDraft) -> ParsedReport:
    _close_section(draft)
    if not draft.sections:
        raise SourceFormatError(draft.line, f"the {draft.year} report has no recommendations table")
    return ParsedReport(
        number=draft.number,
        year=draft.year,
        symbol=draft.symbol,
        title=draft.title,
        focus=draft.focus,
        sections=list(draft.sections),
    )
