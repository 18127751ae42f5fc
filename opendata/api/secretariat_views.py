"""The secretariat's read-only token API: every submission's snapshot as JSON, for
analysis in pandas or R (docs/api.md).

Authenticated by an API key (djangorestframework-api-key: created and revoked in the
admin, stored as a hash), sent as `Authorization: Api-Key <key>`; no session, no cookie.
No key, an unknown, revoked or expired key: 403 with a message that says which. Every
request made with a key the site knows, refused or not, is recorded (`ApiKeyUse`).
"""

import logging

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework_api_key.models import APIKey
from rest_framework_api_key.permissions import BaseHasAPIKey

from assessments.models import AssessmentStatus, Submission
from r2p_site.throttle import client_ip

from ..models import ApiKeyUse
from .links import Links
from .schema import ApiAutoSchema
from .throttling import KeyThrottle, RefusedKeys

logger = logging.getLogger(__name__)

NO_KEY = _(
    "This endpoint is for the secretariat: send its API key in the header "
    "“Authorization: Api-Key <key>”."
)
UNKNOWN_KEY = _("This API key is not valid.")
REVOKED_KEY = _("This API key was revoked.")
EXPIRED_KEY = _("This API key has expired.")


class SecretariatKey(BaseHasAPIKey):
    """A valid secretariat key. Leaves on the view the key it recognised (valid,
    revoked or expired), for the record of its use."""

    model = APIKey

    def has_permission(self, request, view) -> bool:
        key = self.get_key(request)
        if not key:
            self.message = NO_KEY
            return False
        prefix = key.partition(".")[0]
        found = APIKey.objects.filter(prefix=prefix).first()
        # Its hash checked before anything is said of it: a prefix alone is no key.
        if found is None or not found.is_valid(key):
            self.message = UNKNOWN_KEY
            return False
        view.api_key = found
        if found.revoked:
            self.message = REVOKED_KEY
            return False
        if found.has_expired:
            self.message = EXPIRED_KEY
            return False
        return True


class SubmissionPagination(PageNumberPagination):
    # A snapshot holds up to some 1 MB of evidence and catalogue text (assessments/limits.py).
    page_size = 10
    page_size_query_param = "page_size"
    max_page_size = 25


class SubmissionFilter(filters.FilterSet):
    cycle = filters.CharFilter(
        field_name="assessment__cycle__code", help_text=_("The cycle's code, e.g. 2025.")
    )
    state = filters.CharFilter(
        method="filter_state", help_text=_("The Member State's ISO 3166 alpha-3 code, e.g. NOR.")
    )
    status = filters.ChoiceFilter(
        field_name="assessment__status",
        choices=[(status.value, status.value) for status in AssessmentStatus],
        help_text=_("The assessment's status now: draft, submitted, returned or accepted."),
    )
    latest = filters.BooleanFilter(
        field_name="is_latest",
        help_text=_("true: only the latest submission of each assessment."),
    )

    def filter_state(self, submissions, name, value):
        return submissions.filter(assessment__member_state__iso3=value.strip().upper())


class SubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    member_state = serializers.CharField(help_text=_("ISO 3166 alpha-3 code."))
    cycle = serializers.CharField(help_text=_("The cycle's code."))
    number = serializers.IntegerField(help_text=_("Its version: 1 for the first submission."))
    submitted_at = serializers.DateTimeField()
    assessment_status = serializers.CharField()
    is_latest = serializers.BooleanField()
    pdf_sha256 = serializers.CharField(help_text=_("The SHA-256 of its PDF, once rendered."))
    snapshot = serializers.JSONField(
        help_text=_("Everything the submission froze: the answers, evidence and catalogue texts.")
    )


def submissions():
    newer = Submission.objects.filter(
        assessment_id=OuterRef("assessment_id"), number__gt=OuterRef("number")
    )
    return (
        Submission.objects.annotate(is_latest=~Exists(newer))
        .order_by("assessment__cycle__code", "assessment__member_state__iso3", "number")
        .values(
            "id",
            "number",
            "submitted_at",
            "pdf_sha256",
            "snapshot",
            "is_latest",
            "assessment__status",
            "assessment__cycle__code",
            "assessment__member_state__iso3",
        )
    )


def submission_rows(values, links: Links) -> list[dict]:
    return [
        {
            "id": row["id"],
            "url": links.to("opendata:api_secretariat_submission_detail", row["id"]),
            "member_state": row["assessment__member_state__iso3"],
            "cycle": row["assessment__cycle__code"],
            "number": row["number"],
            "submitted_at": row["submitted_at"],
            "assessment_status": row["assessment__status"],
            "is_latest": row["is_latest"],
            "pdf_sha256": row["pdf_sha256"],
            "snapshot": row["snapshot"],
        }
        for row in values
    ]


class SecretariatView(GenericAPIView):
    schema = ApiAutoSchema()
    error_responses = (400, 403, 404, 429)
    authentication_classes = []
    permission_classes = [SecretariatKey]
    throttle_classes = [KeyThrottle]
    renderer_classes = [JSONRenderer]
    serializer_class = SubmissionSerializer
    api_key = None

    def initial(self, request, *args, **kwargs):
        self.refused_keys = RefusedKeys(request)
        wait = self.refused_keys.wait()
        if wait is not None:
            self.throttled(request, wait)
        super().initial(request, *args, **kwargs)

    def permission_denied(self, request, message=None, code=None):
        self.refused_keys.count()
        # A key the site does not know has no use to record: the log keeps the attempt.
        if self.api_key is None:
            key = SecretariatKey().get_key(request) or ""
            logger.warning(
                "secretariat API: a request from %s refused, its key unknown (prefix %r)",
                client_ip(request),
                key.partition(".")[0][:8],
            )
        super().permission_denied(request, message=message, code=code)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Confidential: kept by no cache, shared or not.
        response["Cache-Control"] = "private, no-store"
        if self.api_key is not None:
            ApiKeyUse.objects.create(
                key=self.api_key,
                path=request.get_full_path()[:500],
                status=response.status_code,
                address=client_ip(request) or None,
            )
        return response


@extend_schema(
    summary=_("Submissions (secretariat)"),
    description=_(
        "Every submission with its snapshot, for the secretariat's analysis. Needs an API key."
    ),
    auth=[{"ApiKey": []}],
)
class SubmissionList(ListModelMixin, SecretariatView):
    pagination_class = SubmissionPagination
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = SubmissionFilter

    def get_queryset(self):
        return submissions()

    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = self.get_serializer(submission_rows(page, Links(request)), many=True).data
        return self.get_paginated_response(data)


@extend_schema(
    summary=_("One submission (secretariat)"),
    description=_("A submission by its id, with its snapshot. Needs an API key."),
    auth=[{"ApiKey": []}],
)
class SubmissionDetail(SecretariatView):
    error_responses = (403, 404, 429)

    def get(self, request, pk: int):
        found = submission_rows(submissions().filter(id=pk), Links(request))
        if not found:
            message = gettext("No submission has the id %(id)s.") % {"id": pk}
            return Response({"detail": message}, status=404)
        return Response(self.get_serializer(found[0]).data)
