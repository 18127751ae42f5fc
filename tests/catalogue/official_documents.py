"""Small documents in the shape of a UN report, in each language and format, made by
the tests: the symbol line, the organ and session, the title above "Report of the
Secretary-General", a heading, numbered paragraphs 1 to 19 (the numbering of the 2010
report, A/64/864) with two sentences each, paragraph 17 with lettered sub-paragraphs,
a footnote, and on every page the symbol, a running head and the page number."""

import io
from dataclasses import dataclass
from pathlib import Path

import docx
from django.conf import settings
from weasyprint import HTML

from r2p_site.fonts import cjk_font_path

SYMBOL = "A/64/864"
LAST_PARAGRAPH = 19
SUBPARAGRAPHS_IN = 17
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass(frozen=True)
class Language:
    code: str
    title: str
    report_of: str
    heading: str
    running_head: str
    footnote: str
    sentence: str  # with {n} (paragraph) and {k} (sentence)
    markers: tuple[str, str, str]
    subparagraph: str  # with {n} and {i}
    number: str = "{n}."  # how a paragraph number is printed
    digits: dict | None = None
    space: str = " "  # between sentences

    def paragraph_number(self, n: int) -> str:
        printed = self.number.format(n=n)
        return printed.translate(self.digits) if self.digits else printed

    def sentences(self, n: int) -> list[str]:
        return [self.sentence.format(n=self.num(n), k=self.num(k)) for k in (1, 2)]

    def num(self, n: int) -> str:
        return str(n).translate(self.digits) if self.digits else str(n)

    def subparagraphs(self, n: int) -> list[tuple[str, str]]:
        return [
            (marker, self.subparagraph.format(n=self.num(n), i=self.num(i)))
            for i, marker in enumerate(self.markers, start=1)
        ]

    def lead(self, n: int) -> str:
        return self.space.join(self.sentences(n))


LANGUAGES = {
    "fr": Language(
        code="fr",
        title="Alerte rapide, évaluation et responsabilité de protéger",
        report_of="Rapport du Secrétaire général",
        heading="I. Introduction",
        running_head="Alerte rapide et responsabilité de protéger",
        footnote="1 Voir la résolution 60/1 de l’Assemblée générale.",
        sentence=(
            "Les États Membres et les organisations régionales examinent le paragraphe {n}, "
            "phrase {k}."
        ),
        markers=("a)", "b)", "c)"),
        subparagraph="Les États Membres renforcent les moyens du point {i} du paragraphe {n};",
    ),
    "es": Language(
        code="es",
        title="Alerta temprana, evaluación y la responsabilidad de proteger",
        report_of="Informe del Secretario General",
        heading="I. Introducción",
        running_head="Alerta temprana y la responsabilidad de proteger",
        footnote="1 Véase la resolución 60/1 de la Asamblea General.",
        sentence="Los Estados Miembros y las organizaciones del párrafo {n} examinan la frase {k}.",
        markers=("a)", "b)", "c)"),
        subparagraph=(
            "Los Estados Miembros y las organizaciones refuerzan el punto {i} del párrafo {n};"
        ),
    ),
    "ru": Language(
        code="ru",
        title="Раннее предупреждение, оценка и ответственность по защите",
        report_of="Доклад Генерального секретаря",
        heading="I. Введение",
        running_head="Раннее предупреждение и ответственность по защите",
        footnote="1 См. резолюцию 60/1 Генеральной Ассамблеи.",
        sentence="Государства-члены рассматривают пункт {n}, предложение {k}.",
        markers=("а)", "б)", "в)"),
        subparagraph="государствам-членам следует укреплять подпункт {i} пункта {n};",
    ),
    "ar": Language(
        code="ar",
        title="الإنذار المبكر والتقييم والمسؤولية عن الحماية",
        report_of="تقرير الأمين العام",
        heading="أولا - مقدمة",
        running_head="الإنذار المبكر والمسؤولية عن الحماية",
        footnote="١ انظر قرار الجمعية العامة ٦٠/١.",
        sentence="تنظر الدول الأعضاء في الفقرة {n}، الجملة {k}.",
        markers=("(أ)", "(ب)", "(ج)"),
        subparagraph="تعزز الدول الأعضاء البند {i} من الفقرة {n}؛",
        number="{n} -",
        digits=ARABIC_DIGITS,
    ),
    "zh-hans": Language(
        code="zh-hans",
        title="预警、评估及保护责任",
        report_of="秘书长的报告",
        heading="一. 导言",
        running_head="预警及保护责任",
        footnote="1 见大会第60/1号决议。",
        sentence="会员国审议第{n}段第{k}句。",
        markers=("(a)", "(b)", "(c)"),
        subparagraph="会员国加强第{n}段第{i}项；",
        space="",
    ),
}


def blocks(language: Language, *, symbol: str = SYMBOL) -> list[str]:
    """The document as its paragraphs (a .docx's, or the lines of a text file), with a
    page break (symbol, page number, running head) after every sixth paragraph."""
    lines = [symbol, "General Assembly", language.title, language.report_of, language.heading]
    page = 1
    for n in range(1, LAST_PARAGRAPH + 1):
        lines.append(f"{language.paragraph_number(n)} {language.lead(n)}")
        if n == SUBPARAGRAPHS_IN:
            lines.extend(f"{marker} {text}" for marker, text in language.subparagraphs(n))
        if n == 5:
            lines.append(language.footnote)
        if n % 6 == 0:
            lines.extend([str(page), f"09-{43210 + page} (X)", symbol, language.running_head])
            page += 1
    return lines


def as_text(language: Language, **kwargs) -> bytes:
    return "\n".join(blocks(language, **kwargs)).encode()


def as_docx(language: Language, **kwargs) -> bytes:
    document = docx.Document()
    for line in blocks(language, **kwargs):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def as_pdf(language: Language, *, symbol: str = SYMBOL) -> bytes:
    """Rendered by WeasyPrint: a real text layer, the symbol and running head in the
    page margins of every page, the page number at the foot."""
    fonts = Path(settings.BASE_DIR) / "static" / "fonts"
    arabic = fonts / "NotoSansArabic-Regular.ttf"
    direction = "rtl" if language.code == "ar" else "ltr"
    paragraphs = []
    for n in range(1, LAST_PARAGRAPH + 1):
        paragraphs.append(f"<p>{language.paragraph_number(n)} {language.lead(n)}</p>")
        if n == SUBPARAGRAPHS_IN:
            paragraphs.extend(
                f"<p class=sub>{marker} {text}</p>" for marker, text in language.subparagraphs(n)
            )
        if n == 5:
            paragraphs.append(f"<p class=note>{language.footnote}</p>")
    html = f"""<html lang="{language.code}" dir="{direction}"><head><style>
      @font-face {{ font-family: Sans; src: url({(fonts / "NotoSans-Regular.ttf").as_uri()}); }}
      @font-face {{ font-family: Arabic; src: url({arabic.as_uri()}); }}
      @font-face {{ font-family: CJK; src: url({cjk_font_path().as_uri()}); }}
      @page {{ size: A6; margin: 2cm 1cm;
        @top-left {{ content: "{symbol}"; }}
        @top-right {{ content: "{language.running_head}"; }}
        @bottom-center {{ content: counter(page); }} }}
      body {{ font-family: Sans, Arabic, CJK; font-size: 8pt; }}
    </style></head><body>
      <p>{symbol}</p><p>General Assembly</p>
      <h1>{language.title}</h1><p>{language.report_of}</p><h2>{language.heading}</h2>
      {"".join(paragraphs)}
    </body></html>"""
    return HTML(string=html).write_pdf()
