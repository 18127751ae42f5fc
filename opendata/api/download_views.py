"""The downloads: their list in the API, each file, the data dictionaries, and the page
that shows them to people (/data/). The catalogue's files follow the catalogue version
(PublicView); the published answers' follow what is published (published_downloads.py).
"""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Cycle
from assessments.selectors.publication import published_submissions

from . import downloads, published_downloads
from .links import Links
from .published import PublishedView
from .rows import LANGUAGE_CODES, languages
from .schema import ApiAutoSchema
from .views import PublicView


class FirstRenderer(BaseContentNegotiation):
    """A file is what it is, whatever the client accepts."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


LANG_PARAMETER = OpenApiParameter(
    "lang",
    str,
    enum=list(LANGUAGE_CODES),
    description=gettext_lazy("The language of the descriptions (English by default)."),
)

FILE_RESPONSES = {
    (200, "text/csv"): OpenApiTypes.STR,
    (200, "application/json"): OpenApiTypes.OBJECT,
}


@extend_schema_view(
    get=extend_schema(
        operation_id="downloads_list",
        summary=gettext_lazy("Downloads"),
        description=gettext_lazy(
            "Every recommendation in one language as a CSV or JSON file, the published "
            "answers of each cycle as a CSV or JSON file, their data dictionaries and the "
            "licence."
        ),
        responses={200: OpenApiTypes.OBJECT},
    )
)
class DownloadList(PublicView):
    def respond(self, request, version, *args, **kwargs):
        links = self.links()
        return Response(
            {
                "files": downloads.file_list(links),
                "dictionary": {
                    file_format: links.to("opendata:api_download_dictionary", file_format)
                    for file_format in downloads.FORMATS
                },
                "published": published_downloads.files(links),
                "published_dictionary": {
                    file_format: links.to("opendata:api_published_download_dictionary", file_format)
                    for file_format in downloads.FORMATS
                },
                "licence": downloads.licence(),
                "source": downloads.source_note(),
                "page": links.to("opendata:data"),
            }
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="downloads_file",
        summary=gettext_lazy("One download"),
        description=gettext_lazy(
            "recommendations-<language>.csv or .json, e.g. recommendations-fr.csv: every "
            "recommendation with its text in that language."
        ),
        responses=FILE_RESPONSES,
    )
)
class DownloadFile(PublicView):
    content_negotiation_class = FirstRenderer
    error_responses = (404, 429)

    def respond(self, request, version, name, **kwargs):
        content, file_format = downloads.download(name, self.links(), version)
        return downloads.file_response(content, file_format, name)


@extend_schema_view(
    get=extend_schema(
        operation_id="downloads_dictionary",
        summary=gettext_lazy("The data dictionary"),
        description=gettext_lazy("Each column of the downloads: its name, type and meaning."),
        parameters=[LANG_PARAMETER],
        responses=FILE_RESPONSES,
    )
)
class DownloadDictionary(PublicView):
    content_negotiation_class = FirstRenderer
    error_responses = (404, 429)
    stem = "recommendations-dictionary"

    def respond(self, request, version, file_format, **kwargs):
        language = request.GET.get("lang") or "en"
        if file_format not in downloads.FORMATS or language not in languages():
            raise Http404(_("There is no such download."))
        with translation.override(language):
            content = self.dictionary(file_format)
        return downloads.file_response(
            content, file_format, f"{self.stem}-{language}.{file_format}"
        )

    def dictionary(self, file_format: str) -> bytes:
        return downloads.dictionary_content(file_format)


@extend_schema_view(
    get=extend_schema(
        operation_id="downloads_published_dictionary",
        summary=gettext_lazy("The data dictionary of the published answers"),
        description=gettext_lazy(
            "Each column of the files of published answers: its name, type and meaning."
        ),
        parameters=[LANG_PARAMETER],
        responses=FILE_RESPONSES,
    )
)
class PublishedDownloadDictionary(DownloadDictionary):
    # Its text is the code's, as the catalogue dictionary's: kept by the catalogue version.
    stem = "published-answers-dictionary"

    def dictionary(self, file_format: str) -> bytes:
        return published_downloads.dictionary_content(file_format)


@extend_schema_view(
    get=extend_schema(
        operation_id="downloads_published_file",
        summary=gettext_lazy("The published answers of one cycle"),
        description=gettext_lazy(
            "<cycle>.csv or .json, e.g. 2025.csv: one row per State and recommendation of "
            "every assessment published in that cycle, exactly as the published entries "
            "show them. Made again at once when a State publishes or withdraws."
        ),
        responses=FILE_RESPONSES,
    )
)
class PublishedDownloadFile(PublishedView, APIView):
    """Not kept by the catalogue version, which a publish or a withdrawal does not move:
    validated by a fingerprint of what is published, and `no-cache` (PublishedView), so
    that a withdrawal takes effect at once."""

    schema = ApiAutoSchema()
    content_negotiation_class = FirstRenderer
    error_responses = (404, 429)

    def get(self, request, cycle_code, file_format):
        if file_format not in downloads.FORMATS:
            raise Http404(_("There is no such download."))
        published = published_downloads.published_now(published_downloads.cycle_or_404(cycle_code))
        etag = published.etag(translation.get_language())
        response = get_conditional_response(
            request, etag=etag, last_modified=published.last_modified
        )
        if response is None:
            content = published_downloads.content(
                published,
                request,
                file_format,
                Links(request).to("opendata:api_published_download_dictionary", "json"),
            )
            response = downloads.file_response(
                content, file_format, published_downloads.file_name(cycle_code, file_format)
            )
        response["ETag"] = etag
        if published.last_modified is not None:
            response["Last-Modified"] = http_date(published.last_modified)
        return response


@require_safe
@login_not_required
def data_page(request):
    """The downloads for people: each file, what its columns mean, and the licence."""
    links = Links(request)
    return render(
        request,
        "opendata/data.html",
        {
            "files": [
                {
                    **file,
                    "names": {
                        file_format: downloads.file_name(file["language"], file_format)
                        for file_format in downloads.FORMATS
                    },
                }
                for file in downloads.file_list(links)
            ],
            "columns": downloads.columns(),
            "licence": downloads.licence(),
            "source": downloads.source_note(),
            "dictionary_language": translation.get_language(),
            "published": _published_files(links),
            "published_columns": published_downloads.columns(),
            "published_source": published_downloads.source_note(),
        },
    )


def _published_files(links: Links) -> list[dict]:
    """Each cycle's files of published answers, with its name in the reader's language
    and how many States published in it."""
    counts = dict(
        published_submissions()
        .order_by()
        .values_list("assessment__cycle__code")
        .annotate(count=Count("pk"))
    )
    cycles = {cycle.code: cycle for cycle in Cycle.objects.with_translations()}
    return [
        {
            **file,
            "name": cycles[file["cycle"]].name_shown,
            "states": counts.get(file["cycle"], 0),
            "names": {
                file_format: published_downloads.file_name(file["cycle"], file_format)
                for file_format in downloads.FORMATS
            },
        }
        for file in published_downloads.files(links)
        if file["cycle"] in cycles
    ]
