"""The published assessments in the API: the list of what States published, and one
State's published answers, read-only and public.

What is published is `assessments.selectors.publication`'s to say: these views show
nothing else. The answers are the submission's as frozen when it was submitted, in
codes (an answer's status, a report's year), with the files the focal point ticked;
the names of the people who wrote or submitted them are left out.
"""

import hashlib

from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from assessments.models import AnswerStatus, Submission
from assessments.selectors.publication import (
    public_content,
    published_submission,
    published_submissions,
)

from .throttling import PublicThrottle


class PublishedPagination(PageNumberPagination):
    # As the catalogue's (views.CataloguePagination): an answer's work stays bounded.
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class NamedSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=gettext_lazy("The English name."))
    names = serializers.DictField(
        child=serializers.CharField(),
        help_text=gettext_lazy("The name by language code, where one is known."),
    )


class PublishedStateSerializer(NamedSerializer):
    iso3 = serializers.CharField()


class PublishedCycleSerializer(NamedSerializer):
    code = serializers.CharField()


class PublishedSubmissionSerializer(serializers.Serializer):
    """One published assessment: whose, which version, when, and where to read it."""

    member_state = PublishedStateSerializer()
    cycle = PublishedCycleSerializer()
    version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField()
    url = serializers.URLField(help_text=gettext_lazy("This entry, with the answers."))
    page = serializers.URLField(
        help_text=gettext_lazy("The public page of the published assessment.")
    )
    pdf = serializers.URLField(
        allow_null=True, help_text=gettext_lazy("The official country report (PDF), once rendered.")
    )
    pdf_sha256 = serializers.CharField(
        allow_blank=True, help_text=gettext_lazy("The SHA-256 of the official PDF, hexadecimal.")
    )
    verify = serializers.URLField(help_text=gettext_lazy("The page that checks a copy of the PDF."))


class PublishedFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField(help_text=gettext_lazy("In bytes."))
    sha256 = serializers.CharField()
    url = serializers.URLField()


class PublishedAnswerSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=gettext_lazy("The recommendation's code, e.g. 2013-MS-04.")
    )
    paragraphs = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=AnswerStatus.values, allow_blank=True)
    evidence = serializers.CharField(allow_blank=True)
    links = serializers.ListField(child=serializers.CharField())
    attachments = PublishedFileSerializer(
        many=True, help_text=gettext_lazy("The files the State published.")
    )


class PublishedReportSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    symbol = serializers.CharField()
    title = serializers.CharField()
    answers = PublishedAnswerSerializer(many=True)


class PublishedAnswersSerializer(PublishedSubmissionSerializer):
    """One published assessment with its answers, by report."""

    language = serializers.CharField(help_text=gettext_lazy("The language it was submitted in."))
    reports = PublishedReportSerializer(many=True)


def _summary(submission: Submission, request) -> dict:
    snapshot = submission.snapshot
    state, cycle = snapshot["member_state"], snapshot["cycle"]
    args = [cycle["code"], state["iso3"]]
    absolute = request.build_absolute_uri
    return {
        "member_state": {
            "iso3": state["iso3"],
            "name": state["name"],
            "names": state.get("names", {}),
        },
        "cycle": {"code": cycle["code"], "name": cycle["name"], "names": cycle.get("names", {})},
        "version": submission.number,
        "submitted_at": submission.submitted_at,
        "published_at": submission.publication.published_at,
        "url": absolute(reverse("opendata:published_api_detail", args=args)),
        "page": absolute(reverse("opendata:published_state", args=args)),
        "pdf": absolute(reverse("opendata:published_pdf", args=args)) if submission.pdf else None,
        "pdf_sha256": submission.pdf_sha256,
        "verify": absolute(reverse("assessments:verify")),
    }


def published_answers(submission: Submission, request) -> dict:
    """One published submission with its answers, as the API shows it: the downloads
    (published_downloads.py) flatten this, so that they show exactly the same."""
    ticked = set(submission.publication.attachments.values_list("pk", flat=True))
    content = public_content(submission, files=ticked)
    args = [submission.snapshot["cycle"]["code"], submission.snapshot["member_state"]["iso3"]]
    return {
        **_summary(submission, request),
        "language": submission.snapshot.get("language", "en"),
        "reports": [
            {
                "year": report["year"],
                "symbol": report["symbol"],
                "title": report["title"],
                "answers": [
                    {
                        "code": answer["code"],
                        "paragraphs": answer.get("paragraphs", ""),
                        "status": answer["status"],
                        "evidence": answer["evidence"],
                        "links": answer["links"],
                        "attachments": [
                            {
                                "name": file["name"],
                                "size": file["size"],
                                "sha256": file["sha256"],
                                "url": request.build_absolute_uri(
                                    reverse(
                                        "opendata:published_file",
                                        args=[*args, file["attachment_id"]],
                                    )
                                ),
                            }
                            for file in answer["attachments"]
                        ],
                    }
                    for answer in report["answers"]
                ],
            }
            for report in content["reports"]
        ],
    }


class PublishedView:
    """As the catalogue's API (views.PublicView): anonymous, JSON, throttled. Never
    stored by a cache without asking again: a withdrawal takes effect at once. Asking
    again costs a client little: the answer's ETag is its content's fingerprint, and a
    client holding the same copy is answered 304 without it. (The catalogue's version
    does not move when a State publishes, so it cannot tag these answers.)"""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]
    renderer_classes = [JSONRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-cache"
        # An answer that carries no validator of its own (the downloads' is the cycle's
        # fingerprint) is tagged with its content's.
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            if "ETag" not in response:
                response.render()
                response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
            response = get_conditional_response(request, etag=response["ETag"], response=response)
        return response


@extend_schema(
    summary=gettext_lazy("Published assessments"),
    description=gettext_lazy(
        "The self-assessments States published, newest cycle first, then by State code: "
        "whose, which version, when, and where to read them, their official PDF and its "
        "SHA-256. Filter by cycle."
    ),
    parameters=[
        OpenApiParameter("cycle", str, description=gettext_lazy("A cycle's code, e.g. 2025."))
    ],
)
class PublishedList(PublishedView, generics.ListAPIView):
    pagination_class = PublishedPagination
    serializer_class = PublishedSubmissionSerializer

    def get_queryset(self):
        submissions = published_submissions().order_by(
            "-assessment__cycle__deadline", "assessment__member_state__iso3", "pk"
        )
        cycle = self.request.query_params.get("cycle")
        if cycle:
            submissions = submissions.filter(assessment__cycle__code=cycle)
        return submissions

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = [_summary(submission, request) for submission in page]
        return self.get_paginated_response(self.get_serializer(data, many=True).data)


@extend_schema(
    summary=gettext_lazy("One published assessment"),
    description=gettext_lazy(
        "A State's published answers in one cycle, by its ISO 3166 code (e.g. NOR): each "
        "answer's status, evidence and links, and the files the State published. Not "
        "found once the State withdraws it."
    ),
    responses={
        200: PublishedAnswersSerializer,
        404: OpenApiResponse(description=gettext_lazy("Not published.")),
    },
)
class PublishedDetail(PublishedView, generics.RetrieveAPIView):
    serializer_class = PublishedAnswersSerializer
    queryset = Submission.objects.none()  # for the schema; get_object reads the selector

    def get_object(self):
        submission = published_submission(
            cycle_code=self.kwargs["cycle_code"], iso3=self.kwargs["iso3"]
        )
        if submission is None:
            raise NotFound
        return submission

    def retrieve(self, request, *args, **kwargs):
        submission = self.get_object()
        return Response(self.get_serializer(published_answers(submission, request)).data)
