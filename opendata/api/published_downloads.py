"""The published answers as a download: per cycle, one row per State and recommendation
of every assessment published now, as CSV or JSON, with its data dictionary.

A row is what the API's published entry shows (published.py's `published_answers`,
flattened), so the files never hold more than the API: no file a focal point did not
tick, no name of a person, no comment of the secretariat.

The catalogue version does not move when a State publishes or withdraws, so these files
are keyed by a fingerprint of what is published in the cycle instead: each published
submission, its publication (a new one on every publish) and the state of its PDF, and
how many files it ticked. Read in one query, it is the ETag, and the key of the rows
kept in the shared cache: a publish or a withdrawal changes it, so the next request
builds the file anew. Building reads every published snapshot (about 2 s for 193 States
of 153 answers, docs/api.md), a kept file some tens of milliseconds.
"""

import csv
import hashlib
import io
import json
import zlib
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Max
from django.http import Http404
from django.urls import reverse
from django.utils.http import quote_etag
from django.utils.translation import gettext

from assessments.models import Cycle, Submission
from assessments.selectors.publication import published_submissions
from assessments.spreadsheets import safe_cell

from . import downloads
from .downloads import FORMATS, KEPT_SECONDS, Column, licence
from .links import Links
from .published import published_answers

# Bumped when the rows' shape changes, so that no file of the old shape is served.
REPRESENTATION = 1


def columns() -> list[Column]:
    """The data dictionary of the published answers (descriptions in the active language)."""
    in_csv = gettext("In the CSV file, one per line.")
    return [
        Column("cycle", "string", gettext("The reporting cycle's code, e.g. 2025.")),
        Column("iso3", "string", gettext("The State's ISO 3166 alpha-3 code, e.g. NOR.")),
        Column("member_state", "string", gettext("The State's United Nations short name.")),
        Column("version", "integer", gettext("The version of the submission published.")),
        Column("submitted_at", "datetime", gettext("When that version was submitted (UTC).")),
        Column("published_at", "datetime", gettext("When the State published it (UTC).")),
        Column("code", "string", gettext("The recommendation's stable code, e.g. 2013-MS-04.")),
        Column("report_year", "integer", gettext("The year of the report that makes it.")),
        Column(
            "paragraphs",
            "string",
            gettext(
                "The paragraphs of the report that the recommendations to that addressee take up."
            ),
        ),
        Column(
            "status",
            "string",
            gettext(
                "The State's answer: implemented, partially_implemented, not_started, or "
                "empty where it gave none."
            ),
        ),
        Column("evidence", "string", gettext("The State's evidence, as submitted.")),
        Column("links", "list", gettext("The State's links, as submitted.") + " " + in_csv),
        Column(
            "attachment_names",
            "list",
            gettext("The names of the files the State published with this answer.") + " " + in_csv,
        ),
        Column(
            "attachment_sizes",
            "list",
            gettext("Their sizes in bytes, in the same order.") + " " + in_csv,
        ),
        Column(
            "attachment_sha256",
            "list",
            gettext("Their SHA-256, hexadecimal, in the same order.") + " " + in_csv,
        ),
        Column(
            "attachment_urls",
            "list",
            gettext("Their addresses, in the same order.") + " " + in_csv,
        ),
        Column("page", "string", gettext("The public page of the published assessment.")),
        Column(
            "pdf",
            "string",
            gettext("The official country report (PDF); empty until it is rendered."),
        ),
        Column("pdf_sha256", "string", gettext("The SHA-256 of the official PDF, hexadecimal.")),
        Column("url", "string", gettext("The published assessment in the API.")),
    ]


def source_note() -> str:
    return gettext(
        "The answers are the States' own, as submitted, published by each State's focal "
        "point and no longer here once withdrawn."
    )


@dataclass(frozen=True)
class Published:
    """What is published in one cycle now, and when that last changed."""

    cycle: Cycle
    submission_ids: tuple[int, ...]
    fingerprint: str
    changed_at: datetime | None

    def etag(self, language: str) -> str:
        # The JSON file's `about` is in the visitor's language.
        return quote_etag(f"published-{self.fingerprint}-{language}")

    @property
    def last_modified(self) -> int | None:
        return int(self.changed_at.timestamp()) if self.changed_at else None


def cycle_or_404(code: str) -> Cycle:
    cycle = Cycle.objects.filter(code=code).first()
    if cycle is None:
        raise Http404(gettext("There is no such download."))
    return cycle


def published_now(cycle: Cycle) -> Published:
    """The cycle's published submissions and their fingerprint: two queries."""
    state = list(
        published_submissions(cycle)
        .order_by("pk")
        .annotate(ticked=Count("publication__attachments"))
        .values_list(
            "pk", "number", "publication", "publication__published_at", "pdf_sha256", "ticked"
        )
    )
    fingerprint = hashlib.sha256(
        json.dumps([REPRESENTATION, cycle.pk, state], cls=DjangoJSONEncoder).encode()
    ).hexdigest()[:32]
    # Every time at which what is published may have changed: a publish, a withdrawal, a
    # newer version submitted (it ends the consent), a PDF rendered.
    times = Submission.objects.filter(assessment__cycle=cycle).aggregate(
        submitted=Max("submitted_at"),
        rendered=Max("pdf_rendered_at"),
        published=Max("publication__published_at"),
        withdrawn=Max("publication__withdrawn_at"),
    )
    known = [time for time in times.values() if time is not None]
    return Published(
        cycle=cycle,
        submission_ids=tuple(row[0] for row in state),
        fingerprint=fingerprint,
        changed_at=max(known) if known else None,
    )


def answer_rows(submission: Submission, request) -> list[dict]:
    """The submission's published answers, one row each, in catalogue order."""
    entry = published_answers(submission, request)
    state = entry["member_state"]
    return [
        {
            "cycle": entry["cycle"]["code"],
            "iso3": state["iso3"],
            "member_state": state["name"],
            "version": entry["version"],
            "submitted_at": entry["submitted_at"],
            "published_at": entry["published_at"],
            "code": answer["code"],
            "report_year": report["year"],
            "paragraphs": answer["paragraphs"],
            "status": answer["status"],
            "evidence": answer["evidence"],
            "links": list(answer["links"]),
            "attachment_names": [file["name"] for file in answer["attachments"]],
            "attachment_sizes": [file["size"] for file in answer["attachments"]],
            "attachment_sha256": [file["sha256"] for file in answer["attachments"]],
            "attachment_urls": [file["url"] for file in answer["attachments"]],
            "page": entry["page"],
            "pdf": entry["pdf"],
            "pdf_sha256": entry["pdf_sha256"],
            "url": entry["url"],
        }
        for report in entry["reports"]
        for answer in report["answers"]
    ]


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return DjangoJSONEncoder().default(value)  # as in the JSON file
    if isinstance(value, list):
        # The first character of a cell is what a spreadsheet runs: the joined cell is
        # made safe, as any other.
        value = "\n".join(str(item) for item in value)
    return safe_cell(value)


def encoded_rows(published: Published, request, file_format: str) -> bytes:
    """Every row of the cycle's file, encoded: the CSV's lines, or the JSON array's
    items joined by commas. Read again through the selector, so that a submission
    withdrawn since the fingerprint was taken is left out."""
    submissions = (
        published_submissions(published.cycle)
        .filter(pk__in=published.submission_ids)
        .order_by("assessment__member_state__iso3", "pk")
    )
    names = [column.name for column in columns()]
    if file_format == "csv":
        # Encoded State by State: one text buffer of the whole file took four bytes a
        # character.
        chunks = []
        for submission in submissions.iterator(chunk_size=20):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in answer_rows(submission, request):
                writer.writerow([_csv_value(row[name]) for name in names])
            chunks.append(buffer.getvalue().encode("utf-8"))
        return b"".join(chunks)
    chunks = [
        json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False).encode("utf-8")
        for submission in submissions.iterator(chunk_size=20)
        for row in answer_rows(submission, request)
    ]
    return b",".join(chunks)


def content(published: Published, request, file_format: str, dictionary_url: str) -> bytes:
    """The cycle's file. Its rows are kept under the fingerprint and the host (their
    links are absolute); the JSON's `about` is made for each request, in its language."""
    origin = request.build_absolute_uri("/")[:-1]
    key = f"opendata:published-download:{published.fingerprint}:{origin}:{file_format}"
    kept = cache.get(key)
    if kept is None:
        rows = encoded_rows(published, request, file_format)
        # Compressed: the cache is a database table, and a file of 193 States is tens of
        # megabytes, mostly addresses that repeat.
        cache.set(key, zlib.compress(rows, 1), KEPT_SECONDS)
    else:
        rows = zlib.decompress(kept)
    if file_format == "csv":
        header = io.StringIO()
        header.write("\ufeff")  # so that Excel reads the file as UTF-8
        csv.writer(header).writerow([column.name for column in columns()])
        return header.getvalue().encode("utf-8") + rows
    about = {
        "title": gettext("Published self-assessments of the %(cycle)s cycle")
        % {"cycle": published.cycle.code},
        "cycle": published.cycle.code,
        "states": len(published.submission_ids),
        "source": source_note(),
        "licence": licence(),
        "changed_at": published.changed_at,
        "dictionary": dictionary_url,
    }
    head = json.dumps({"about": about}, cls=DjangoJSONEncoder, ensure_ascii=False)
    return head[:-1].encode("utf-8") + b',"answers":[' + rows + b"]}"


def file_name(cycle_code: str, file_format: str) -> str:
    return f"published-answers-{cycle_code}.{file_format}"


def dictionary_content(file_format: str) -> bytes:
    """The data dictionary in the active language."""
    return downloads.dictionary_content(file_format, described=columns(), source=source_note())


def files(links: Links) -> list[dict]:
    """Each cycle's files, for the API's list and the data page. Every cycle is listed,
    whether or not a State published yet: the list then changes with the catalogue
    version only, which keys the API's list."""
    return [
        {
            "cycle": code,
            **{
                file_format: links.origin
                + reverse("opendata:api_published_download", args=[code, file_format])
                for file_format in FORMATS
            },
        }
        for code in Cycle.objects.order_by("-deadline", "code").values_list("code", flat=True)
    ]
