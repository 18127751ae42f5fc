"""The public, read-only API of the catalogue, the Member States and the cycles.

Anonymous and cookie-free: no authentication at all (so no session is read for it and
CSRF has nothing to protect), JSON only, throttled per client address. Each GET is
answered 304 from the catalogue version when the client's copy is current
(caching.py); otherwise the rows are read as plain data (rows.py), a page at a time,
and passed through the serializers the schema describes.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
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

from assessments.models import Cycle
from catalogue.models import Recommendation, Report, Section, Target, Theme
from delegations.models import MemberState

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


class PublicList(ListModelMixin, PublicView):
    """A list: its queryset filtered and, where paginated, cut to the page asked.
    (ListModelMixin tells the schema it is a list; `respond` answers instead of `list`.)"""

    def rows(self, objects, links: Links) -> list[dict]:
        raise NotImplementedError

    def respond(self, request, version, *args, **kwargs):
        objects = self.filter_queryset(self.get_queryset())
        links = self.links()
        if self.pagination_class is None:
            return Response(self.get_serializer(self.rows(objects, links), many=True).data)
        page = self.paginate_queryset(self.page_query(objects))
        data = self.get_serializer(self.page_rows(page, links, version), many=True).data
        return self.get_paginated_response(data)

    def page_query(self, objects):
        return objects

    def page_rows(self, page, links: Links, version) -> list[dict]:
        return self.rows(page, links)


class PublicDetail(PublicView):
    """One object, found by the code people cite (`lookup`), or 404."""

    lookup_url_kwarg = "key"
    error_responses = (404, 429)

    def respond(self, request, version, key, **kwargs):
        found = self.rows(self.get_queryset().filter(**{self.lookup_field: self.normal(key)}))
        if not found:
            raise Http404(self.not_found(key))
        return Response(self.get_serializer(found[0]).data)

    def normal(self, key: str) -> str:
        return key

    def rows(self, objects) -> list[dict]:
        raise NotImplementedError

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

    def get_queryset(self):
        return Recommendation.objects.in_catalogue_order()

    def page_query(self, objects):
        return objects.values_list("pk", flat=True)

    def page_rows(self, page, links, version):
        return rows.RECOMMENDATIONS.pick(version.token, links, list(page))


@extend_schema(
    summary=gettext_lazy("One recommendation"),
    description=gettext_lazy("A recommendation by its code, e.g. 2013-MS-04."),
)
class RecommendationDetail(PublicDetail):
    serializer_class = RecommendationSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Recommendation.objects.all()

    def respond(self, request, version, key, **kwargs):
        ids = list(self.get_queryset().filter(code=key.upper()).values_list("pk", flat=True))
        found = rows.RECOMMENDATIONS.pick(version.token, self.links(), ids)
        if not found:
            raise Http404(self.not_found(key))
        return Response(self.get_serializer(found[0]).data)


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

    def get_queryset(self):
        return Report.objects.order_by("year")

    def rows(self, objects, links):
        return rows.report_rows(list(objects.values()), links)


@extend_schema(
    summary=gettext_lazy("One report"),
    description=gettext_lazy("A report by its year, e.g. 2013."),
)
class ReportDetail(PublicDetail):
    serializer_class = ReportSerializer
    lookup_field = "year"

    def get_queryset(self):
        return Report.objects.all()

    def rows(self, objects):
        return rows.report_rows(list(objects.values()), self.links())

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
    filter_backends = [DjangoFilterBackend]
    filterset_class = SectionFilter

    def get_queryset(self):
        return Section.objects.all()

    def rows(self, objects, links):
        return rows.section_rows(rows.section_values(objects), links)


@extend_schema(
    summary=gettext_lazy("One section"),
    description=gettext_lazy(
        "A section by the report's year and the addressee's code, e.g. 2013-MS."
    ),
)
class SectionDetail(PublicDetail):
    serializer_class = SectionSerializer

    def get_queryset(self):
        return Section.objects.all()

    def respond(self, request, version, key, **kwargs):
        year, _dash, target = key.partition("-")
        sections = Section.objects.none()
        if year.isdigit() and target:
            sections = Section.objects.filter(report__year=int(year), target__code=target.upper())
        found = rows.section_rows(rows.section_values(sections), self.links())
        if not found:
            raise Http404(self.not_found(key))
        return Response(self.get_serializer(found[0]).data)


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

    def get_queryset(self):
        return rows.targets()

    def rows(self, objects, links):
        return rows.addressee_rows(objects, links)


@extend_schema(
    summary=gettext_lazy("One addressee"),
    description=gettext_lazy("An addressee by its code, e.g. MS."),
)
class AddresseeDetail(PublicDetail):
    serializer_class = AddresseeSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Target.objects.all()

    def normal(self, key):
        return key.upper()

    def rows(self, objects):
        return rows.addressee_rows(objects, self.links())


# Themes


@extend_schema(
    summary=gettext_lazy("Themes"),
    description=gettext_lazy(
        "Recommendations to Member States that ask for the same action across reports."
    ),
)
class ThemeList(PublicList):
    serializer_class = ThemeSerializer

    def get_queryset(self):
        return Theme.objects.order_by("position", "name")

    def rows(self, objects, links):
        return rows.theme_rows(objects, links)


@extend_schema(
    summary=gettext_lazy("One theme"),
    description=gettext_lazy("A theme by its slug."),
)
class ThemeDetail(PublicDetail):
    serializer_class = ThemeSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Theme.objects.all()

    def normal(self, key):
        return key.lower()

    def rows(self, objects):
        return rows.theme_rows(objects, self.links())


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
    filter_backends = [DjangoFilterBackend]
    filterset_class = MemberStateFilter

    def get_queryset(self):
        return rows.member_states()

    def rows(self, objects, links):
        return rows.member_state_rows(objects, links)


@extend_schema(
    summary=gettext_lazy("One Member State"),
    description=gettext_lazy("A Member State by its ISO 3166 alpha-3 code, e.g. NOR."),
)
class MemberStateDetail(PublicDetail):
    serializer_class = MemberStateSerializer
    lookup_field = "iso3"

    def get_queryset(self):
        return MemberState.objects.all()

    def normal(self, key):
        return key.upper()

    def rows(self, objects):
        return rows.member_state_rows(objects, self.links())


@extend_schema(
    summary=gettext_lazy("Cycles"),
    description=gettext_lazy("The reporting cycles, latest first, with the reports each covers."),
)
class CycleList(PublicList):
    serializer_class = CycleSerializer

    def get_queryset(self):
        return rows.cycles()

    def rows(self, objects, links):
        return rows.cycle_rows(objects, links)


@extend_schema(
    summary=gettext_lazy("One cycle"),
    description=gettext_lazy("A reporting cycle by its code, e.g. 2025."),
)
class CycleDetail(PublicDetail):
    serializer_class = CycleSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Cycle.objects.all()

    def rows(self, objects):
        return rows.cycle_rows(objects, self.links())


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
