"""The downloads: their list in the API, each file, the data dictionary, and the page
that shows them to people (/data/)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
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

from . import downloads
from .links import Links
from .rows import LANGUAGE_CODES, languages
from .views import PublicView


class FirstRenderer(BaseContentNegotiation):
    """A file is what it is, whatever the client accepts."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


FILE_RESPONSES = {
    (200, "text/csv"): OpenApiTypes.STR,
    (200, "application/json"): OpenApiTypes.OBJECT,
}


@extend_schema_view(
    get=extend_schema(
        operation_id="downloads_list",
        summary=gettext_lazy("Downloads"),
        description=gettext_lazy(
            "Every recommendation in one language as a CSV or JSON file, the data dictionary "
            "and the licence."
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
        parameters=[
            OpenApiParameter(
                "lang",
                str,
                enum=list(LANGUAGE_CODES),
                description=gettext_lazy("The language of the descriptions (English by default)."),
            )
        ],
        responses=FILE_RESPONSES,
    )
)
class DownloadDictionary(PublicView):
    content_negotiation_class = FirstRenderer
    error_responses = (404, 429)

    def respond(self, request, version, file_format, **kwargs):
        language = request.GET.get("lang") or "en"
        if file_format not in downloads.FORMATS or language not in languages():
            raise Http404(_("There is no such download."))
        with translation.override(language):
            content = downloads.dictionary_content(file_format)
        return downloads.file_response(
            content, file_format, f"recommendations-dictionary-{language}.{file_format}"
        )


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
        },
    )
