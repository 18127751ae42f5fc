"""The offline round-trip: download the assessment as a workbook, upload it back,
preview every change and conflict, apply all or nothing (docs/workbooks.md).

Between the preview and the apply the validated plan waits in the session: kept on the
server (database sessions), tied to the signed-in user, gone with the sign-in, and
bounded by the assessment's limits (limits.WORKBOOK_MAX_PLAN_BYTES). Nothing the
browser sends back is trusted but the choice per conflict.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from r2p_site.middleware import max_body
from r2p_site.throttle import Throttled, count_request, too_many_requests

from ..access import get_editable_assessment
from ..downloads import private_download
from ..forms import WorkbookUploadForm
from ..services.workbook import WorkbookStale, workbook_apply
from ..workbook.download import XLSX_CONTENT_TYPE, build_workbook, workbook_filename
from ..workbook.refusals import WorkbookRefused
from ..workbook.upload import plan_changes, read_workbook

TAKE_ONLINE, TAKE_WORKBOOK = "online", "workbook"


def _plan_key(assessment) -> str:
    return f"workbook-plan-{assessment.pk}"


@require_safe
def workbook_download(request, pk: int):
    assessment = get_editable_assessment(request, pk)
    return private_download(
        ContentFile(build_workbook(assessment=assessment)),
        filename=workbook_filename(assessment),
        content_type=XLSX_CONTENT_TYPE,
    )


@max_body("WORKBOOK_REQUEST_MAX_BYTES")
@require_http_methods(["GET", "HEAD", "POST"])
def workbook_upload(request, pk: int):
    assessment = get_editable_assessment(request, pk)
    errors = []
    if request.method == "POST":
        try:
            count_request(
                f"workbook:{request.user.pk}", limit=settings.WORKBOOK_RATE_LIMIT, period=600
            )
        except Throttled as throttled:
            return too_many_requests(request, throttled)
        form = WorkbookUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                plan = read_workbook(
                    data=upload.read(), filename=upload.name, assessment=assessment
                )
            except WorkbookRefused as refused:
                errors = refused.errors
                # A refused upload replaces any earlier one still waiting for its preview.
                request.session.pop(_plan_key(assessment), None)
            else:
                request.session[_plan_key(assessment)] = plan
                return redirect("assessments:workbook_preview", assessment.pk)
    else:
        form = WorkbookUploadForm()
    return render(
        request,
        "assessments/workbook_upload.html",
        {"assessment": assessment, "form": form, "errors": errors},
        status=400 if form.errors or errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def workbook_preview(request, pk: int):
    assessment = get_editable_assessment(request, pk)
    key = _plan_key(assessment)
    plan = request.session.get(key)
    if plan is None:
        messages.info(request, _("Upload a workbook to see the changes it would make."))
        return redirect("assessments:workbook_upload", assessment.pk)
    if request.method == "POST" and "discard" in request.POST:
        del request.session[key]
        messages.info(request, _("The uploaded workbook has been set aside; nothing was saved."))
        return redirect(assessment)
    changes = plan_changes(assessment=assessment, plan=plan)
    choice_errors = False
    if request.method == "POST":
        if request.POST.get("preview") != plan.get("preview"):
            messages.error(request, _("This preview is out of date: look at it again."))
            return redirect("assessments:workbook_preview", assessment.pk)
        if {change.code: change.current_version for change in changes} != plan.get("seen"):
            return _stale(request, assessment)
        take = set()
        for change in changes:
            if not change.conflict:
                continue
            change.chosen = request.POST.get(f"keep-{change.code}", "")
            if change.chosen == TAKE_WORKBOOK:
                take.add(change.code)
            elif change.chosen != TAKE_ONLINE:
                change.error = _("Choose which version to keep.")
                choice_errors = True
        if not choice_errors:
            return _apply(request, assessment, plan, take)
    # The versions shown now are the ones an apply of this page may overwrite.
    plan["seen"] = {change.code: change.current_version for change in changes}
    plan["preview"] = uuid.uuid4().hex
    request.session[key] = plan
    return render(
        request,
        "assessments/workbook_preview.html",
        {
            "assessment": assessment,
            "plan": plan,
            "changes": [change for change in changes if not change.conflict],
            "conflicts": [change for change in changes if change.conflict],
        },
        status=400 if choice_errors else 200,
    )


def _apply(request, assessment, plan, take: set[str]):
    key = _plan_key(assessment)
    try:
        saved = workbook_apply(
            assessment=assessment,
            plan=plan,
            seen_versions=plan.get("seen", {}),
            take_workbook=take,
            user=request.user,
        )
    except WorkbookStale:
        return _stale(request, assessment)
    except (ValidationError, PermissionDenied) as error:
        messages.error(
            request,
            _("Nothing was saved: %(reason)s")
            % {"reason": " ".join(getattr(error, "messages", [str(error)]))},
        )
        return redirect(assessment)
    del request.session[key]
    messages.success(
        request,
        ngettext(
            "%(count)s answer was saved from the workbook %(name)s.",
            "%(count)s answers were saved from the workbook %(name)s.",
            saved,
        )
        % {"count": saved, "name": plan["filename"]},
    )
    return redirect(assessment)


def _stale(request, assessment):
    messages.error(
        request,
        _(
            "Some answers were changed online since this preview was shown; nothing was "
            "saved. Look at the changes again before applying them."
        ),
    )
    return redirect("assessments:workbook_preview", assessment.pk)
