"""One access helper per object type: another State's object answers 404, never 403.

Delegation staff reach their own State's objects; secretariat staff (who hold
the `assessments.review_assessment` permission) read every State's. Editing is
for the delegation only, and only while the assessment is a draft or returned.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from delegations.access import member_of
from r2p_site.roles import is_secretariat

from . import policy
from .models import Answer, Assessment, Attachment, ReviewComment, Submission


def delegation_refusal(user, assessment: Assessment) -> str:
    """Why `user` may not act for the State of `assessment` ("" when they may)."""
    member = member_of(user)
    if member is None or member.member_state_id != assessment.member_state_id:
        return _("Only the delegation of the State edits its assessment.")
    return ""


def edit_refusal(user, assessment: Assessment) -> str:
    """Why `user` may not edit `assessment` ("" when they may).

    The one rule behind every editing page, button and service: the State's own
    delegation, while the assessment is a draft or returned and its cycle open. (The
    services test the status again under the assessment's lock: lifecycle.py.)
    """
    return delegation_refusal(user, assessment) or policy.edit_refusal(assessment)


def may_edit(user, assessment: Assessment) -> bool:
    return not edit_refusal(user, assessment)


def _readable_assessments(user):
    assessments = Assessment.objects.select_related("member_state", "cycle")
    if is_secretariat(user):
        return assessments
    member = member_of(user)
    if member is None:
        return assessments.none()
    return assessments.filter(member_state_id=member.member_state_id)


def get_assessment_for_user(request, pk: int) -> Assessment:
    return get_object_or_404(_readable_assessments(request.user), pk=pk)


def get_submission_for_user(request, pk: int, number: int) -> Submission:
    assessment = get_assessment_for_user(request, pk)
    return get_object_or_404(
        Submission.objects.select_related("assessment__member_state", "assessment__cycle"),
        assessment=assessment,
        number=number,
    )


def _own_assessment(request, pk: int) -> Assessment:
    member = member_of(request.user)
    if member is None:
        raise Http404
    return get_object_or_404(
        Assessment.objects.select_related("member_state", "cycle"),
        pk=pk,
        member_state_id=member.member_state_id,
    )


def get_editable_assessment(request, pk: int) -> Assessment:
    """The user's own State's assessment, if it may still be edited (403 once submitted)."""
    assessment = _own_assessment(request, pk)
    refusal = edit_refusal(request.user, assessment)
    if refusal:
        raise PermissionDenied(refusal)
    return assessment


def submit_refusal(user, assessment: Assessment, now: datetime | None = None) -> str:
    """Why `user` may not submit `assessment` now ("" when they may).

    The one rule behind the submit page, its button and `assessment_submit`: the
    State's focal point, while the assessment is editable (cycle open, draft or
    returned) and its deadline, or the extension in force, has not passed.
    """
    refusal = delegation_refusal(user, assessment) or policy.submit_refusal(assessment, now)
    if refusal:
        return refusal
    if not member_of(user).may_submit:
        return _(
            "Only your delegation's focal point can submit the assessment. "
            "Let them know it is ready."
        )
    return ""


def publication_refusal(user, assessment: Assessment) -> str:
    """Why `user` may not publish `assessment`, or withdraw its publication ("" when they
    may): its State's focal point, who speaks for the State. Whether it may be published
    now is the policy's (`policy.publish_refusal`)."""
    refusal = delegation_refusal(user, assessment)
    if refusal:
        return refusal
    if not member_of(user).may_submit:
        return _(
            "Only your delegation's focal point can publish the assessment or withdraw "
            "its publication."
        )
    return ""


def get_publishable_assessment(request, pk: int) -> Assessment:
    """The user's own State's assessment, for its focal point to publish or withdraw:
    404 for another State's (and for the secretariat), 403 for an editor."""
    assessment = _own_assessment(request, pk)
    refusal = publication_refusal(request.user, assessment)
    if refusal:
        raise PermissionDenied(refusal)
    return assessment


def get_answer_for_user(request, assessment: Assessment, pk: int) -> Answer:
    answer = get_object_or_404(
        Answer.objects.with_catalogue(),
        pk=pk,
        assessment=assessment,
    )
    answer.assessment = assessment
    return answer


def get_editable_answer(request, pk: int, answer_pk: int) -> Answer:
    """An answer of the user's own State's assessment `pk`, with its recommendation,
    assessment and cycle, if it may still be edited: one query (the user's delegation
    comes with the user). Only what an autosave needs is joined: this query runs on every
    keystroke pause, and PostgreSQL spent longer planning the catalogue's eight-table join
    than saving; the rarer answers that name the report read it when they do."""
    member = member_of(request.user)
    if member is None:
        raise Http404
    answer = get_object_or_404(
        Answer.objects.select_related("recommendation", "assessment__cycle"),
        pk=answer_pk,
        assessment_id=pk,
        assessment__member_state_id=member.member_state_id,
    )
    refusal = edit_refusal(request.user, answer.assessment)
    if refusal:
        raise PermissionDenied(refusal)
    return answer


def get_attachment_for_user(request, pk: int) -> Attachment:
    return get_object_or_404(
        Attachment.objects.select_related("answer__assessment"),
        pk=pk,
        answer__assessment__in=_readable_assessments(request.user),
    )


def get_own_comment(request, pk: int, comment_pk: int) -> ReviewComment:
    """A secretariat comment on the user's own State's assessment `pk`, for its delegation
    to reply to or mark addressed; 404 for anyone else, the secretariat included."""
    assessment = _own_assessment(request, pk)
    comment = get_object_or_404(ReviewComment, pk=comment_pk, assessment=assessment)
    comment.assessment = assessment
    return comment
