"""The catalogue as a download: every recommendation in one language, as CSV or JSON,
with the data dictionary that describes each column and the licence note.

A file is built on demand (some tens of milliseconds for the 432 recommendations) and
kept in the shared cache under the catalogue version (version.py): the first download
after a change builds the new file, so a change shows at once, and the versions before
are left to expire. The CSV starts with a byte order mark, so that Excel reads it as
UTF-8 (Arabic, Chinese), and any cell a spreadsheet would run as a formula is shown as
typed (assessments/spreadsheets.py).
"""

import csv
import io
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.translation import get_language_info, gettext

from assessments.spreadsheets import safe_cell
from catalogue.models import Target, target_label

from . import rows
from .links import Links
from .version import Version

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
FILE_NAME = re.compile(r"recommendations-(?P<language>[a-z-]+)\.(?P<file_format>[a-z]+)")
# A day: a file of an older version is never asked for again (its key has the version).
KEPT_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


def columns() -> list[Column]:
    """The data dictionary: each column of a download, in its order (descriptions in the
    active language)."""
    return [
        Column("code", "string", gettext("The recommendation's stable code, e.g. 2013-MS-04.")),
        Column("report_year", "integer", gettext("The year of the report that makes it.")),
        Column(
            "report_symbol",
            "string",
            gettext("The report's document symbol, e.g. A/67/929-S/2013/399."),
        ),
        Column("addressee_code", "string", gettext("The addressee's code, e.g. MS.")),
        Column("addressee", "string", gettext("The addressee's name, in the file's language.")),
        Column(
            "position",
            "integer",
            gettext("Its place among the report's recommendations to that addressee."),
        ),
        Column(
            "paragraphs",
            "string",
            gettext(
                "The paragraphs of the report that the recommendations to that addressee take up."
            ),
        ),
        Column(
            "place",
            "string",
            gettext("The paragraph that makes this recommendation, where known, e.g. 17(b)."),
        ),
        Column("themes", "string", gettext("The slugs of its themes, separated by “; ”.")),
        Column(
            "theme_names",
            "string",
            gettext("The names of its themes in the file's language, separated by “; ”."),
        ),
        Column(
            "language", "string", gettext("The file's language: ar, zh-hans, en, fr, ru or es.")
        ),
        Column("text", "string", gettext("The recommendation's text in the file's language.")),
        Column(
            "english_fallback",
            "boolean",
            gettext(
                "true where the official text in the file's language is missing and the "
                "English original stands in for it; always false in English."
            ),
        ),
        Column("url", "string", gettext("Its address in the API.")),
        Column("page", "string", gettext("Its page on the site.")),
    ]


def download_rows(language: str, links: Links, version: Version) -> list[dict]:
    """Every recommendation, in catalogue order, as a row of the download in `language`."""
    recommendations = rows.RECOMMENDATIONS.rows(version.token, links).values()
    theme_names = {
        theme["slug"]: theme["names"][language]["text"]
        for theme in rows.THEMES.rows(version.token, links).values()
    }
    with translation.override(language):
        addressees = {
            code: target_label(name) for code, name in Target.objects.values_list("code", "name")
        }
    result = []
    for recommendation in recommendations:
        text = recommendation["texts"][language]
        slugs = [theme["slug"] for theme in recommendation["themes"]]
        result.append(
            {
                "code": recommendation["code"],
                "report_year": recommendation["report"]["year"],
                "report_symbol": recommendation["report"]["symbol"],
                "addressee_code": recommendation["addressee"]["code"],
                "addressee": addressees[recommendation["addressee"]["code"]],
                "position": recommendation["position"],
                "paragraphs": recommendation["paragraphs"],
                "place": recommendation["place"],
                "themes": "; ".join(slugs),
                "theme_names": "; ".join(theme_names[slug] for slug in slugs),
                "language": language,
                "text": text["text"],
                "english_fallback": text["english_fallback"],
                "url": recommendation["url"],
                "page": recommendation["page"],
            }
        )
    return result


def licence() -> dict:
    return {
        "name": settings.OPEN_DATA_LICENCE_NAME,
        "url": settings.OPEN_DATA_LICENCE_URL,
        "attribution": settings.OPEN_DATA_ATTRIBUTION,
    }


def source_note() -> str:
    return gettext(
        "The texts are United Nations documents: the recommendations of the reports of the "
        "Secretary-General on the responsibility to protect, 2009–2024, and their official "
        "translations, each report at https://undocs.org/ under its symbol."
    )


def build(language: str, file_format: str, links: Links, version: Version) -> bytes:
    data = download_rows(language, links, version)
    names = [column.name for column in columns()]
    if file_format == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so that Excel reads the file as UTF-8
        writer = csv.writer(buffer)
        writer.writerow(names)
        for row in data:
            writer.writerow(
                [
                    ("true" if row[name] else "false")
                    if isinstance(row[name], bool)
                    else safe_cell(row[name])
                    for name in names
                ]
            )
        return buffer.getvalue().encode("utf-8")
    with translation.override(language):
        about = {
            "title": gettext(
                "Recommendations of the Secretary-General's reports on the responsibility "
                "to protect"
            ),
            "language": language,
            "source": source_note(),
            "licence": licence(),
            "version": version.token,
            "changed_at": version.changed_at,
            "dictionary": links.to("opendata:api_download_dictionary", "json"),
        }
    return json.dumps(
        {"about": about, "recommendations": data}, cls=DjangoJSONEncoder, ensure_ascii=False
    ).encode("utf-8")


def download(name: str, links: Links, version: Version) -> tuple[bytes, str]:
    """The file named `name` (recommendations-fr.csv), from the cache when this
    version's was built already."""
    match = FILE_NAME.fullmatch(name)
    if (
        match is None
        or match["language"] not in rows.languages()
        or match["file_format"] not in FORMATS
    ):
        raise Http404(gettext("There is no such download."))
    language, file_format = match["language"], match["file_format"]
    # The host is in the file (its links): a file built for one address is not served
    # to another.
    key = f"opendata:download:{version.token}:{links.origin}:{language}:{file_format}"
    content = cache.get(key)
    if content is None:
        content = build(language, file_format, links, version)
        cache.set(key, content, KEPT_SECONDS)
    return content, file_format


def file_name(language: str, file_format: str) -> str:
    return f"recommendations-{language}.{file_format}"


def file_response(content: bytes, file_format: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{settings.OPEN_DATA_LICENCE_URL}>; rel="license"'
    return response


def dictionary_content(
    file_format: str, *, described: list[Column] | None = None, source: str | None = None
) -> bytes:
    """The data dictionary in the active language: the catalogue's, or the `described`
    columns of another download with its `source` note (published_downloads.py)."""
    described = columns() if described is None else described
    if file_format == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(["column", "type", "description"])
        for column in described:
            writer.writerow([column.name, column.type, safe_cell(column.description)])
        return buffer.getvalue().encode("utf-8")
    return json.dumps(
        {
            "licence": licence(),
            "source": source_note() if source is None else source,
            "columns": [
                {"name": c.name, "type": c.type, "description": c.description} for c in described
            ],
        },
        ensure_ascii=False,
    ).encode("utf-8")


def file_list(links: Links) -> list[dict]:
    """Every download, for the API's list and the data page."""
    files = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        files.append(
            {
                "language": code,
                "language_name": info["name_local"],
                **{
                    file_format: links.to("opendata:api_download", file_name(code, file_format))
                    for file_format in FORMATS
                },
            }
        )
    return files
