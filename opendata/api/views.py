"""The public, read-only API of the catalogue, the Member States and the cycles.

Anonymous and cookie-free: no authentication at all (so no session is read for it and
CSRF has nothing to protect), JSON only, throttled per client address. Each GET is
answered 304 from the catalogue version when the client's copy is current
(caching.py), or from the answer made already for the same address; otherwise the
answer's rows are picked from the index of the whole list at this version (rows.py) and
their JSON joined; the serializers describe the rows' shape for the schema.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from catalogue.models import Section

from . import rows
from .caching import ConditionalOnCatalogue
from .filters import MemberStateFilter, RecommendationFilter, SectionFilter
from .links import Links
from .schema import ApiAutoSchema
from .serializers import (
    AddresseeSerializer,
    CycleSerializer,
    MemberStateSerializer,
    RecommendationSerializer,
    ReportSerializer,
    SectionSerializer,
    ThemeSerializer,
)
from .throttling import PublicThrottle


class CataloguePagination(PageNumberPagination):
    # As the catalogue's pages (catalogue/views.py); at most 200 rows an answer, which
    # keeps one answer's work bounded: the whole catalogue is a download (downloads.py).
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PublicView(ConditionalOnCatalogue, GenericAPIView):
    schema = ApiAutoSchema()
    error_responses = (429,)
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]
    renderer_classes = [JSONRenderer]
    pagination_class = None
    filter_backends = []

    def links(self) -> Links:
        return Links(self.request)


class Indexed(PublicView):
    """An answer of rows of `index` (rows.py), whose JSON is joined as it is kept: the
    serializer declares the rows' shape for the schema, and the tests hold each answer
    to it."""

    index: rows.RowIndex

    def get_queryset(self):
        return self.index.everything()


class PublicList(ListModelMixin, Indexed):
    """A list: its queryset filtered and, where paginated, cut to the page asked.
    (ListModelMixin tells the schema it is a list; `respond` answers instead of `list`.)"""

    def respond(self, request, version, *args, **kwargs):
        ids = None  # all, in the index's order, with nothing read
        if self.filter_backends or self.pagination_class:
            # Every match's id in one query (at most the 432 recommendations): a page is
            # cut and counted from the list.
            ids = list(self.filter_queryset(self.get_queryset()).values_list("pk", flat=True))
        if self.pagination_class is None:
            return json_answer(b"[" + b",".join(self.picked(version, ids)) + b"]")
        page = self.paginate_queryset(ids)
        return paged_json(self.paginator, self.picked(version, page))

    def picked(self, version, ids) -> list[bytes]:
        return self.index.pick(version.token, self.links(), ids)


def paged_json(paginator: PageNumberPagination, encoded: list[bytes]) -> HttpResponse:
    """The answer DRF's `get_paginated_response` gives, with rows already encoded."""
    head = rows.encode(
        {
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
        }
    )
    return json_answer(head[:-1] + b',"results":[' + b",".join(encoded) + b"]}")


def json_answer(content: bytes) -> HttpResponse:
    return HttpResponse(content, content_type=JSONRenderer.media_type)


class PublicDetail(Indexed):
    """One object, found by the code people cite (`lookup`), or 404."""

    lookup_url_kwarg = "key"
    error_responses = (404, 429)

    def respond(self, request, version, key, **kwargs):
        ids = list(self.found(key).values_list("pk", flat=True)[:1])
        picked = self.index.pick(version.token, self.links(), ids)
        if not picked:
            raise Http404(self.not_found(key))
        return json_answer(picked[0])

    def found(self, key: str):
        return self.get_queryset().filter(**{self.lookup_field: self.normal(key)})

    def normal(self, key: str) -> str:
        return key

    def not_found(self, key: str) -> str:
        return _("Nothing has the code %(code)s.") % {"code": key}


# Recommendations


@extend_schema(
    summary=gettext_lazy("Recommendations"),
    description=gettext_lazy(
        "Every recommendation of the reports, in the order of the reports, with its text "
        "in each official language. Filter by year, addressee or theme, or search."
    ),
)
class RecommendationList(PublicList):
    # A filter it cannot read; a page past the last.
    error_responses = (400, 404, 429)
    serializer_class = RecommendationSerializer
    pagination_class = CataloguePagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = RecommendationFilter
    index = rows.RECOMMENDATIONS


@extend_schema(
    summary=gettext_lazy("One recommendation"),
    description=gettext_lazy("A recommendation by its code, e.g. 2013-MS-04."),
)
class RecommendationDetail(PublicDetail):
    serializer_class = RecommendationSerializer
    lookup_field = "code"
    index = rows.RECOMMENDATIONS

    def normal(self, key):
        return key.upper()


# Reports and sections


@extend_schema(
    summary=gettext_lazy("Reports"),
    description=gettext_lazy(
        "The Secretary-General's reports, with their titles in each official language and "
        "their recommendations counted per addressee."
    ),
)
class ReportList(PublicList):
    serializer_class = ReportSerializer
    index = rows.REPORTS


@extend_schema(
    summary=gettext_lazy("One report"),
    description=gettext_lazy("A report by its year, e.g. 2013."),
)
class ReportDetail(PublicDetail):
    serializer_class = ReportSerializer
    index = rows.REPORTS
    lookup_field = "year"

    def not_found(self, key):
        return _("No report is of the year %(year)s.") % {"year": key}


@extend_schema(
    summary=gettext_lazy("Sections"),
    description=gettext_lazy(
        "The recommendations of one report to one addressee, with the paragraphs of the "
        "report they take up."
    ),
)
class SectionList(PublicList):
    error_responses = (400, 429)
    serializer_class = SectionSerializer
    index = rows.SECTIONS
    filter_backends = [DjangoFilterBackend]
    filterset_class = SectionFilter


@extend_schema(
    summary=gettext_lazy("One section"),
    description=gettext_lazy(
        "A section by the report's year and the addressee's code, e.g. 2013-MS."
    ),
)
class SectionDetail(PublicDetail):
    serializer_class = SectionSerializer
    index = rows.SECTIONS

    def found(self, key):
        year, _dash, target = key.partition("-")
        if not (year.isdigit() and target):
            return Section.objects.none()
        return Section.objects.filter(report__year=int(year), target__code=target.upper())


# Addressees


@extend_schema(
    summary=gettext_lazy("Addressees"),
    description=gettext_lazy(
        "To whom the recommendations are addressed: Member States, the United Nations…, "
        "with their names in each official language."
    ),
)
class AddresseeList(PublicList):
    serializer_class = AddresseeSerializer
    index = rows.ADDRESSEES


@extend_schema(
    summary=gettext_lazy("One addressee"),
    description=gettext_lazy("An addressee by its code, e.g. MS."),
)
class AddresseeDetail(PublicDetail):
    serializer_class = AddresseeSerializer
    index = rows.ADDRESSEES
    lookup_field = "code"

    def normal(self, key):
        return key.upper()


# Themes


@extend_schema(
    summary=gettext_lazy("Themes"),
    description=gettext_lazy(
        "Recommendations to Member States that ask for the same action across reports."
    ),
)
class ThemeList(PublicList):
    serializer_class = ThemeSerializer
    index = rows.THEMES


@extend_schema(
    summary=gettext_lazy("One theme"),
    description=gettext_lazy("A theme by its slug."),
)
class ThemeDetail(PublicDetail):
    serializer_class = ThemeSerializer
    index = rows.THEMES
    lookup_field = "slug"

    def normal(self, key):
        return key.lower()


# Member States and cycles


@extend_schema(
    summary=gettext_lazy("Member States"),
    description=gettext_lazy(
        "The 193 Member States of the United Nations, with their names in each official "
        "language and their regional group."
    ),
)
class MemberStateList(PublicList):
    error_responses = (400, 429)
    serializer_class = MemberStateSerializer
    index = rows.MEMBER_STATES
    filter_backends = [DjangoFilterBackend]
    filterset_class = MemberStateFilter


@extend_schema(
    summary=gettext_lazy("One Member State"),
    description=gettext_lazy("A Member State by its ISO 3166 alpha-3 code, e.g. NOR."),
)
class MemberStateDetail(PublicDetail):
    serializer_class = MemberStateSerializer
    index = rows.MEMBER_STATES
    lookup_field = "iso3"

    def normal(self, key):
        return key.upper()


@extend_schema(
    summary=gettext_lazy("Cycles"),
    description=gettext_lazy("The reporting cycles, latest first, with the reports each covers."),
)
class CycleList(PublicList):
    serializer_class = CycleSerializer
    index = rows.CYCLES


@extend_schema(
    summary=gettext_lazy("One cycle"),
    description=gettext_lazy("A reporting cycle by its code, e.g. 2025."),
)
class CycleDetail(PublicDetail):
    serializer_class = CycleSerializer
    index = rows.CYCLES
    lookup_field = "code"


# The root, and what is not there


@require_safe
@login_not_required
def api_not_found(request):
    """An address under /api/ that names nothing: 404 in JSON, or the address with its
    slash where that one exists (as CommonMiddleware would redirect, had this view not
    matched)."""
    if not request.path_info.endswith("/"):
        match = resolve_or_none(request.path_info + "/")
        if match is not None and match.url_name != "api_not_found":
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    return JsonResponse({"detail": _("There is nothing at this address.")}, status=404)


def resolve_or_none(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


API_LISTS = (
    ("recommendations", "opendata:api_recommendation_list"),
    ("reports", "opendata:api_report_list"),
    ("sections", "opendata:api_section_list"),
    ("addressees", "opendata:api_addressee_list"),
    ("themes", "opendata:api_theme_list"),
    ("member_states", "opendata:api_member_state_list"),
    ("cycles", "opendata:api_cycle_list"),
    ("published", "opendata:published_api_list"),
    ("downloads", "opendata:api_download_list"),
    ("schema", "opendata:api_schema"),
    ("documentation", "opendata:api_docs"),
)


@extend_schema(
    summary=gettext_lazy("The API's lists"),
    description=gettext_lazy(
        "The address of each list of the API, of the schema and of this documentation."
    ),
    responses={
        200: inline_serializer("ApiRoot", {key: serializers.URLField() for key, _n in API_LISTS})
    },
)
class ApiRoot(PublicView):
    def respond(self, request, version, *args, **kwargs):
        links = self.links()
        return Response({key: links.to(name) for key, name in API_LISTS})
