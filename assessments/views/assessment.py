from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import limits, policy
from ..access import (
    delegation_refusal,
    get_assessment_for_user,
    may_edit,
    member_of,
    publication_refusal,
)
from ..forms import StartAssessmentForm
from ..models import Assessment, CommentReply, Cycle, Publication
from ..selectors.progress import assessment_progress, assessment_progress_by_theme
from ..services.lifecycle import assessment_start, previous_assessment


@require_safe
def assessment_home(request):
    """The delegation's assessments, one per cycle, and the open cycles it can start."""
    member = member_of(request.user)
    if member is None:
        raise Http404
    assessments = list(
        Assessment.objects.for_member_state(member.member_state_id).select_related("cycle")
    )
    started = {assessment.cycle_id for assessment in assessments}
    open_cycles = [
        {
            "cycle": cycle,
            "has_previous": bool(assessments),
        }
        for cycle in Cycle.objects.filter(is_open=True).exclude(pk__in=started)
    ]
    return render(
        request,
        "assessments/assessment_home.html",
        {
            "member_state": member.member_state,
            "assessments": assessments,
            "open_cycles": open_cycles,
            "start_form": StartAssessmentForm(),
        },
    )


@require_POST
def assessment_start_view(request, cycle_code: str):
    member = member_of(request.user)
    if member is None:
        raise Http404
    cycle = get_object_or_404(Cycle, code=cycle_code)
    form = StartAssessmentForm(request.POST)
    copy_previous = form.is_valid() and form.cleaned_data["copy_previous"]
    try:
        assessment = assessment_start(
            member_state=member.member_state,
            cycle=cycle,
            started_by=request.user,
            copy_previous=copy_previous,
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("assessments:home")
    if copy_previous and previous_assessment(member_state=member.member_state, cycle=cycle):
        messages.success(request, _("Your answers from the previous cycle have been copied."))
    return redirect(assessment)


@require_safe
def assessment_detail(request, pk: int):
    assessment = get_assessment_for_user(request, pk)
    per_report, overall = assessment_progress(assessment)
    # The overview read by theme as well as by report (a recommendation in several
    # themes counts under each; those in none under "Other").
    by_theme = request.GET.get("by") == "theme"
    rules = policy.AssessmentRules.of(assessment)
    submissions = list(assessment.submissions.select_related("submitted_by"))
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "per_report": per_report,
            "by_theme": by_theme,
            "per_theme": assessment_progress_by_theme(assessment) if by_theme else [],
            "overall": overall,
            "submissions": submissions,
            "editable": may_edit(request.user, assessment),
            # Once the cycle is closed, an extension would not help: the rules say only that.
            "rules": rules,
            # Of the latest version, once accepted: who published it and when, or withdrew.
            "publication": (
                Publication.objects.filter(submission=submissions[0])
                .select_related("submission", "published_by", "withdrawn_by")
                .first()
                if rules.may_publish or rules.is_published
                else None
            ),
            "may_publish_here": not publication_refusal(request.user, assessment),
            "now": timezone.now(),
            "review_comments": assessment.review_comments.select_related(
                "written_by", "addressed_by", "answer__recommendation__section__report"
            ).prefetch_related(
                Prefetch("replies", queryset=CommentReply.objects.select_related("written_by"))
            ),
            # Only the State's own delegation replies; the secretariat reads here.
            "may_reply": not delegation_refusal(request.user, assessment),
            "comment_max_chars": limits.COMMENT_MAX_CHARS,
        },
    )
