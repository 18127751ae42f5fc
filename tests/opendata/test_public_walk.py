"""Nothing a State has not published appears on any public surface.

Assessments of every kind are present, each with strings of its own in its evidence,
links, file names and file contents: never published though accepted, returned, a
draft, submitted, withdrawn, published once but superseded by a newer version, and
the published State's assessment of another cycle. An anonymous visitor then walks
every public URL: each URL pattern whose view answers without signing in (the pages,
the API, the downloads, the synthesis, the schema), its parameters filled from the
database objects of every kind, and every same-site link found in the pages and the
JSON on the way. No response, body or header (nor the text of any PDF, nor the files
inside a ZIP) holds an unpublished string; the published State's do appear, so that
the walk would see a leak.

The people are in it too: every focal point has a name and an e-mail address of its
own, the secretariat its own, and the returned assessment a comment of its own.

The one exception is by design (docs/publication.md): the official PDF, as submitted,
names the person who submitted it and every attached file, so the submitter's name and
the name of a file its State did not tick may appear in that PDF's text (the focal
point is shown both before consenting), never in a page, the JSON or a file.
"""

import io
import itertools
import json
import re
import time
import zipfile
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern
from pypdf import PdfReader

from assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Attachment,
    Cycle,
    Publication,
    Submission,
)
from assessments.services.answers import AnswerContent, answer_save
from assessments.services.lifecycle import assessment_submit
from assessments.services.publication import submission_publish, submission_withdraw
from assessments.services.reports import submission_store_pdf
from assessments.services.review import assessment_accept
from catalogue.models import Recommendation, Report, Theme
from delegations.models import Member, MemberState
from tests.assessments.conftest import catalogue, cycle  # noqa: F401
from tests.publishing import assessment_in, attach, latest, state_with_focal_point

pytestmark = pytest.mark.django_db

# What must never be public: every string of these assessments.
UNPUBLISHED = [
    "LEAKACCEPTED",  # accepted, never published
    "LEAKRETURNED",
    "LEAKDRAFT",
    "LEAKSUBMITTED",
    "LEAKWITHDRAWN",  # published, then withdrawn
    "LEAKOLDVERSION",  # published as version 1, superseded by an unpublished version 2
    "LEAKNEWVERSION",  # that version 2, accepted, never published
    "LEAKOTHERCYCLE",  # the published State's accepted assessment of another cycle
    "PUBMARK-content-1",  # the contents of the file the published State did not tick
    "LEAKRETURNED-comment",  # the secretariat's comment returning an assessment
    "PERSON-KEN",  # the name of a focal point whose State published nothing
    "@mail-",  # anyone's e-mail address (focal points: <iso3>@mail-<iso3>.example.org)
    "SECRETARIAT-PERSON",
]
# Public only as names the official PDF prints (see the module's docstring): a file the
# State did not tick, and the focal point who submitted.
ONLY_IN_THE_OFFICIAL_PDF = ["PUBMARK-file-1", "PERSON-NOR"]
# What the published State published: found, or the walk saw nothing.
PUBLISHED = ["PUBMARK-evidence", "PUBMARK-link", "PUBMARK-file-2", "PUBMARK-content-2"]

# Bounds of the walk: links followed, and URLs one pattern may fill in.
MAX_REQUESTS = 6000
MAX_PER_PATTERN = 2500


@pytest.fixture
def world(cycle, catalogue, secretariat, django_user_model):  # noqa: F811
    """Every kind of assessment, in two cycles, and one published State (Norway)."""
    secretariat.first_name, secretariat.last_name = "SECRETARIAT-PERSON", "Reviewer"
    secretariat.email = "sam@mail-un.example.org"
    secretariat.save()
    older = Cycle.objects.create(code="2024", name="2024 debate", deadline=cycle.deadline)
    older.reports.set(catalogue)
    kinds = {}

    def make(status, marker, iso3, name, in_cycle=cycle):
        state = MemberState.objects.filter(iso3=iso3).first()
        if state is None:
            state, user = state_with_focal_point(
                iso3,
                name,
                django_user_model,
                first_name=f"PERSON-{iso3}",
                last_name="Surname",
                email=f"{iso3.lower()}@mail-{iso3.lower()}.example.org",
            )
        else:
            user = Member.objects.get(member_state=state).user
        assessment, files = assessment_in(
            status,
            member_state=state,
            cycle=in_cycle,
            focal_point=user,
            reviewer=secretariat,
            marker=marker,
        )
        kinds[marker] = assessment
        return assessment, files, user

    published, files, norway_user = make(AssessmentStatus.ACCEPTED, "PUBMARK", "NOR", "Norway")
    submission_publish(submission=latest(published), user=norway_user, attachment_ids=[files[1].pk])
    make(AssessmentStatus.ACCEPTED, "LEAKOTHERCYCLE", "NOR", "Norway", in_cycle=older)
    make(AssessmentStatus.ACCEPTED, "LEAKACCEPTED", "KEN", "Kenya")
    make(AssessmentStatus.RETURNED, "LEAKRETURNED", "PER", "Peru")
    make(AssessmentStatus.DRAFT, "LEAKDRAFT", "FJI", "Fiji")
    make(AssessmentStatus.SUBMITTED, "LEAKSUBMITTED", "GHA", "Ghana")
    withdrawn, _files, user = make(AssessmentStatus.ACCEPTED, "LEAKWITHDRAWN", "CHL", "Chile")
    submission_publish(submission=latest(withdrawn), user=user, attachment_ids=[_files[0].pk])
    submission_withdraw(submission=latest(withdrawn), user=user)
    superseded, old_files, user = make(
        AssessmentStatus.ACCEPTED, "LEAKOLDVERSION", "MNG", "Mongolia"
    )
    submission_publish(submission=latest(superseded), user=user, attachment_ids=[old_files[0].pk])
    _submit_a_newer_version(superseded, user, secretariat)
    older.is_open = False
    older.save()
    return kinds


def _submit_a_newer_version(assessment, user, reviewer):
    """Version 2, accepted and not published. Acceptance is final, so the way back to
    editing is made by hand: what matters is what the public surfaces show after it."""
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.RETURNED)
    assessment.refresh_from_db()
    answer = assessment.answers.in_catalogue_order().select_related("assessment__cycle").first()
    answer_save(
        answer=answer,
        content=AnswerContent(
            status="partially_implemented",
            evidence="Evidence LEAKNEWVERSION-evidence.",
            links=["https://example.org/LEAKNEWVERSION-link"],
        ),
        base_version=answer.version,
        user=user,
    )
    attach(answer, user, name="LEAKNEWVERSION-file.pdf", marker="LEAKNEWVERSION-content")
    submission_store_pdf(assessment_submit(assessment=assessment, submitted_by=user))
    assessment_accept(assessment=assessment, user=reviewer, seen_submission=2)


# The public URL patterns, and their parameters filled from the database.


def public_patterns():
    """(pieces of the pattern, the view) of every URL pattern whose view answers
    without signing in."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, [*prefix, entry.pattern])
            elif getattr(entry.callback, "login_required", True) is False:
                found.append(([*prefix, entry.pattern], entry.callback))

    walk(get_resolver().url_patterns, [])
    return found


ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")


def parameters(pieces) -> list[tuple[str, str]]:
    """(name, converter) of each parameter of a pattern, in order."""
    found = []
    for piece in pieces:
        if isinstance(piece, RoutePattern):
            found += [
                (m["name"], m["converter"] or "str") for m in ROUTE_PARAMETER.finditer(str(piece))
            ]
        elif isinstance(piece, RegexPattern):
            found += [(m["name"], "regex") for m in REGEX_GROUP.finditer(str(piece))]
    return found


def _fill_regex(regex: str, values: dict) -> str:
    """A regex pattern's text with each named group replaced by its value (the groups'
    own parentheses balanced), and the anchors and escapes removed."""
    out, index = "", 0
    while index < len(regex):
        match = REGEX_GROUP.match(regex, index)
        if match:
            depth, index = 1, match.end()
            while depth:
                depth += {"(": 1, ")": -1}.get(regex[index], 0)
                index += 1
            out += str(values[match["name"]])
        else:
            out += regex[index]
            index += 1
    out = out.removeprefix("^").removesuffix("$").removesuffix("\\Z")
    return re.sub(r"\\(.)", r"\1", out).replace("/?", "/")


def build(pieces, values: dict) -> str:
    path = ""
    for piece in pieces:
        if isinstance(piece, RoutePattern):
            path += ROUTE_PARAMETER.sub(lambda m: str(values[m["name"]]), str(piece))
        else:
            path += _fill_regex(str(piece), values)
    return "/" + path


def value_pools() -> dict[str, list]:
    """Values of every kind in the database, by the kind of parameter they fill."""
    iso3s = list(MemberState.objects.values_list("iso3", flat=True))
    cycles = list(Cycle.objects.values_list("code", flat=True))
    codes = list(Recommendation.objects.values_list("code", flat=True))
    years = [str(year) for year in Report.objects.values_list("year", flat=True)]
    slugs = list(Theme.objects.values_list("slug", flat=True))
    ids = sorted(
        {
            *Submission.objects.values_list("pk", flat=True),
            *Submission.objects.values_list("number", flat=True),
            *Attachment.objects.values_list("pk", flat=True),
            *Assessment.objects.values_list("pk", flat=True),
            *Answer.objects.values_list("pk", flat=True),
            *Publication.objects.values_list("pk", flat=True),
            *Cycle.objects.values_list("pk", flat=True),
            *MemberState.objects.values_list("pk", flat=True),
            *Report.objects.values_list("year", flat=True),
        }
    )
    hashes = list(Submission.objects.values_list("pdf_sha256", flat=True))
    words = sorted(
        {*iso3s, *(i.lower() for i in iso3s), *cycles, *codes, *years, *slugs, *hashes}
        | {"json", "csv", "en", "fr", "ar", "zh-hans", "ru", "es", "public", "secretariat"}
    )
    return {
        "iso3": [*iso3s, iso3s[0].lower()],
        "cycle": cycles,
        "year": years,
        "code": codes + cycles,
        "slug": slugs + cycles,
        "int": ids,
        "format": ["json", "csv", "api"],
        "language": ["en", "fr", "ar", "zh-hans", "ru", "es"],
        "sha256": hashes,
        "str": words,
    }


def pool_for(name: str, converter: str, pools: dict) -> list:
    lowered = name.lower()
    if converter == "int" or lowered in ("pk", "id", "number") or lowered.endswith(("_id", "_pk")):
        return pools["int"]
    for key in ("iso3", "cycle", "year", "format", "language", "sha256", "code", "slug"):
        if key in lowered:
            return pools[key]
    if converter == "uuid":
        return ["00000000-0000-0000-0000-000000000000"]
    return pools["str"]


def pattern_urls(pieces, callback, pools) -> list[str]:
    """The URLs of one pattern, each resolving to the pattern's own view. A parameter
    of no known kind takes every value once; two of them (a password reset's) take a
    few values each, as their product would be thousands of URLs of one page."""
    names = parameters(pieces)
    choices = [pool_for(name, converter, pools) for name, converter in names]
    if sum(choice is pools["str"] for choice in choices) > 1:
        choices = [c[:5] if c is pools["str"] else c for c in choices]
    urls = []
    for combination in itertools.islice(itertools.product(*choices), MAX_PER_PATTERN):
        url = build(pieces, dict(zip([n for n, _c in names], combination, strict=True)))
        try:
            match = resolve(url)
        except Resolver404:
            continue
        if match.func is callback:
            urls.append(url)
    return urls


# Reading what came back.


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("href", "src"):
            if attributes.get(name):
                self.found.append(attributes[name])
        if tag == "form" and (attributes.get("method") or "get").lower() == "get":
            self.found.append(attributes.get("action") or "")


def json_links(value) -> list[str]:
    if isinstance(value, dict):
        return [link for item in value.values() for link in json_links(item)]
    if isinstance(value, list):
        return [link for item in value for link in json_links(item)]
    if isinstance(value, str) and (value.startswith("/") or value.startswith("http")):
        return [value]
    return []


def same_site(link: str, base: str) -> str | None:
    """The link as a path on this site, or None. `next` is dropped from the query: every
    page's "Sign in" link names the page, and the sign-in page is one page."""
    url = urljoin("http://testserver" + base, link)
    parts = urlsplit(url)
    if parts.netloc != "testserver" or parts.path.startswith("/static/"):
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "next"])
    return parts.path + (f"?{query}" if query else "")


def pdf_text(content: bytes) -> str:
    """The text a PDF prints; "" for a file that only starts like one (test evidence)."""
    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    except Exception:
        return ""


def texts_of(response, content: bytes) -> tuple[list[str], list[str]]:
    """(texts other than PDFs, texts of PDFs) a response shows: its headers, its body,
    the files of a ZIP; of a PDF, its bytes and the text it prints."""
    headers = "\n".join(f"{key}: {value}" for key, value in response.items())
    plain, pdfs = [headers], []
    files = [content]
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            plain += archive.namelist()
            files = [archive.read(name) for name in archive.namelist()]
    for file in files:
        text = file.decode("utf-8", "replace")
        if file.startswith(b"%PDF"):
            pdfs += [text, pdf_text(file)]
        else:
            plain.append(text)
    return plain, pdfs


def test_no_public_surface_shows_anything_unpublished(world, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    # The walk is one client asking a thousand times: the API's brake (counted in the
    # database) would answer 429, and the walk must read every answer. 429 still fails.
    settings.API_ANON_RATE = "1000000/min"
    # Nor the secretariat API's brake on refused keys: the walk asks it without a key.
    settings.API_KEY_REFUSALS_RATE = "1000000/hour"
    client = Client()  # anonymous, as the public is
    pools = value_pools()
    patterns = public_patterns()
    queue, seen, unfilled = [], set(), []
    for pieces, callback in patterns:
        urls = pattern_urls(pieces, callback, pools)
        if not urls:
            unfilled.append("".join(str(p) for p in pieces))
        queue += urls
    # Every public pattern is walked: one the walk could not fill would go unchecked.
    assert unfilled == []

    leaks, found, statuses = [], {marker: [] for marker in PUBLISHED}, {}
    pdf_texts = {}
    started = time.monotonic()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        assert len(seen) <= MAX_REQUESTS, (
            "the walk found more URLs than it is bounded to: "
            f"{Counter(u.split('?')[0].rsplit('/', 2)[0] for u in seen).most_common(8)}"
        )
        for cache in caches.all():
            cache.clear()  # throttles and rate limits count this walk's requests otherwise
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        statuses[url] = response.status_code
        plain, pdfs = texts_of(response, content)
        for text in plain:
            leaks += [(url, m) for m in UNPUBLISHED + ONLY_IN_THE_OFFICIAL_PDF if m in text]
        for text in pdfs:
            pdf_texts[url] = text
            leaks += [(url, m) for m in UNPUBLISHED if m in text]
        for marker in PUBLISHED:
            if any(marker in text for text in plain + pdfs):
                found[marker].append(url)
        links = []
        if response.get("Location"):
            links.append(response["Location"])
        if "html" in response.get("Content-Type", ""):
            parser = Links()
            parser.feed(content.decode("utf-8", "replace"))
            links += parser.found
        elif "json" in response.get("Content-Type", ""):
            links += json_links(json.loads(content or b"null"))
        for link in links:
            target = same_site(link, url.split("?")[0])
            if target and target not in seen:
                queue.append(target)
    elapsed = time.monotonic() - started

    assert leaks == [], f"unpublished content on public URLs: {sorted(set(leaks))[:20]}"
    assert all(found.values()), f"the published content was not found: {found}"
    # (503 is an answer: readiness without a worker, a PDF not rendered yet.)
    assert not [url for url, status in statuses.items() if status == 500]
    assert not [url for url, status in statuses.items() if status == 429]
    # The walk reached the published State's page, its API entry, its PDF (whose text it
    # read).
    assert statuses["/published/2025/NOR/"] == 200
    assert "/api/v1/published/2025/NOR/" in found["PUBMARK-evidence"]
    assert statuses["/published/2025/NOR/report.pdf"] == 200
    # And the published answers' files, listed with the catalogue's downloads.
    assert "/api/v1/downloads/published/2025.csv" in found["PUBMARK-evidence"]
    assert "/api/v1/downloads/published/2025.json" in found["PUBMARK-evidence"]
    # A withdrawn publication's page says so; one superseded by a version never
    # published, and the others, were never public at that address.
    assert statuses["/published/2025/CHL/"] == 410
    assert statuses["/published/2025/MNG/"] == statuses["/published/2025/KEN/"] == 404
    assert any("PUBMARK-evidence" in text for text in pdf_texts.values())
    # The exceptions are where they are said to be, so that the walk would see them moved.
    assert all(
        any(marker in text for text in pdf_texts.values()) for marker in ONLY_IN_THE_OFFICIAL_PDF
    )
    print(f"walked {len(seen)} URLs of {len(patterns)} public patterns in {elapsed:.1f} s")
