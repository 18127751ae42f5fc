from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from catalogue import admin as catalogue_admins
from catalogue.models import Recommendation, Section, Theme, shown_in
from delegations.models import MemberState, RegionalGroup
from delegations.state_search import StateNameSearch

from .chasing import CHOICES as CHASING_CHOICES
from .chasing import NOT_STARTED, ChasingFilters, chasing_states, remindable
from .counts import StatusCounts
from .cross_state import cross_state_answers, cross_state_rows
from .downloads import private_download
from .exports import (
    csv_response,
    export_filename,
    export_header,
    export_pdf_zip_request,
    table_csv_response,
    table_xlsx_response,
    xlsx_response,
)
from .extensions import extension_grant
from .forms import ReviewForm
from .lifecycle import TransitionRefused
from .models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    EmailKind,
    EmailRecord,
    Export,
    ExportState,
    Extension,
    Submission,
    utc_today,
)
from .notifications import (
    RemindersRefused,
    delegation_addresses,
    nobody_to_tell,
    reminder_plan,
    reminder_refusal,
    reminders_send,
)
from .overview import SCOPES, cycle_overview
from .pdf import render_pdf
from .review import assessment_accept, assessment_return, clean_comment, review_comment_add
from .selectors import review_context, with_progress
from .services import answers_sync_open_cycles, submission_pdf_enqueue


class SyncsAnswers:
    """Recommendations the secretariat adds to a cycle (a report of it gains one, or the
    cycle a report) reach that cycle's assessments as blank answers when it saves."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        answers_sync_open_cycles()


# The catalogue knows nothing of assessments; its admin is extended from here.
for model, catalogue_admin in [
    (Section, catalogue_admins.SectionAdmin),
    (Recommendation, catalogue_admins.RecommendationAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, type(catalogue_admin.__name__, (SyncsAnswers, catalogue_admin), {}))


@admin.register(Cycle)
class CycleAdmin(SyncsAnswers, admin.ModelAdmin):
    """The secretariat opens a new reporting cycle here, choosing the reports it covers."""

    list_display = ["name", "code", "deadline", "is_open"]
    list_filter = ["is_open"]
    search_fields = ["name", "code"]
    filter_horizontal = ["reports"]
    ordering = ["-deadline"]

    def has_delete_permission(self, request, obj=None):
        # Assessments and their submissions belong to a cycle for good.
        return False


@admin.register(Extension)
class ExtensionAdmin(StateNameSearch, admin.ModelAdmin):
    """The secretariat grants a State more time to submit; every grant stays on record."""

    list_display = ["member_state", "cycle", "until", "granted_at", "granted_by", "reason"]
    list_filter = ["cycle", "member_state__regional_group"]
    list_select_related = ["member_state", "cycle", "granted_by"]
    search_fields = ["member_state__name", "member_state__iso3"]
    autocomplete_fields = ["member_state"]
    fields = ["member_state", "cycle", "until", "reason", "granted_at", "granted_by"]
    readonly_fields = ["granted_at", "granted_by"]

    def has_change_permission(self, request, obj=None):
        return False  # a new grant replaces an extension; the old one stays on record

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        granted = extension_grant(
            member_state=obj.member_state,
            cycle=obj.cycle,
            until=obj.until,
            reason=obj.reason,
            granted_by=request.user,
        )
        obj.pk = granted.pk


class ProgressBandFilter(admin.SimpleListFilter):
    title = _("progress")
    parameter_name = "progress"

    def lookups(self, request, model_admin):
        return [
            ("none", _("Nothing answered")),
            ("started", _("Partly answered")),
            ("complete", _("Everything answered")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(answered=0)
        if self.value() == "started":
            return queryset.filter(answered__gt=0, answered__lt=F("total"))
        if self.value() == "complete":
            return queryset.filter(total__gt=0, answered=F("total"))
        return queryset


class PdfStoredFilter(admin.SimpleListFilter):
    title = _("country report PDF")
    parameter_name = "pdf"

    def lookups(self, request, model_admin):
        return [("missing", _("Missing")), ("stored", _("Stored"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(pdf="")
        if self.value() == "stored":
            return queryset.exclude(pdf="")
        return queryset


@admin.register(Submission)
class SubmissionAdmin(StateNameSearch, admin.ModelAdmin):
    """Every submitted version; the secretariat sees here which lack their PDF, and why."""

    state_path = "assessment__member_state"
    # The PDF's state, attempts and error share one column: seven columns did not fit a
    # 1280 px screen beside the navigation and the filters.
    list_display = ["member_state", "number", "submitted_at", "submitted_by", "pdf_state"]
    list_filter = [PdfStoredFilter, "assessment__cycle"]
    list_select_related = ["assessment__member_state", "submitted_by"]
    search_fields = ["assessment__member_state__name", "assessment__member_state__iso3"]
    ordering = ["-submitted_at"]
    actions = ["render_missing_pdfs"]
    fields = [
        "assessment",
        "number",
        "submitted_at",
        "submitted_by",
        "pdf_sha256",
        "pdf_rendered_at",
        "pdf_attempts",
        "pdf_attempted_at",
        "pdf_error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a submission is a frozen record

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return request.user.has_perm("assessments.review_assessment")

    @admin.display(description=_("Member State"), ordering="assessment__member_state__name")
    def member_state(self, obj):
        return obj.assessment.member_state

    @admin.display(description=_("PDF"), ordering="pdf")
    def pdf_state(self, obj):
        if obj.pdf:
            return _("Stored")
        if not obj.pdf_attempts:
            return _("Missing: not rendered yet")
        state = ngettext(
            "Missing after %(count)s attempt",
            "Missing after %(count)s attempts",
            obj.pdf_attempts,
        ) % {"count": obj.pdf_attempts}
        if not obj.pdf_error:
            return state
        return _("%(state)s: %(error)s") % {"state": state, "error": obj.pdf_error[:120]}

    @admin.action(description=_("Render the missing PDFs now"), permissions=["review"])
    def render_missing_pdfs(self, request, queryset):
        # Queued for a worker, even a rendering that failed a moment ago: the request
        # never renders, and the list shows the outcome once the worker is done.
        missing = list(queryset.filter(pdf="").values_list("pk", flat=True))
        for pk in missing:
            submission_pdf_enqueue(submission_pk=pk, retry_now=True)
        if missing:
            messages.success(
                request,
                _(
                    "PDFs queued for rendering: %(count)s. Reload this list in a minute to "
                    "see them, or their error."
                )
                % {"count": len(missing)},
            )
        else:
            messages.info(request, _("Every selected submission already has its PDF."))


@admin.register(EmailRecord)
class EmailRecordAdmin(StateNameSearch, admin.ModelAdmin):
    """Every notice sent to a delegation, and any that could not leave, with the reason."""

    # Whether it left, the attempts and the error share one column, to fit a 1280 px screen.
    list_display = ["created_at", "kind", "member_state", "key", "language", "delivery"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter), "cycle"]
    list_select_related = ["member_state"]
    search_fields = ["member_state__name", "subject", "recipients"]
    readonly_fields = [
        "kind",
        "member_state",
        "cycle",
        "key",
        "language",
        "recipients",
        "copy_to",
        "subject",
        "body_text",
        "created_at",
        "sent_at",
        "attempts",
        "error",
    ]
    exclude = ["body_html"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a record of what was sent

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("delivery"), ordering="sent_at")
    def delivery(self, obj):
        if obj.sent_at is not None:
            state = _("Sent")
        elif not obj.attempts:
            state = _("Not sent yet")
        else:
            state = ngettext(
                "Not sent after %(count)s attempt",
                "Not sent after %(count)s attempts",
                obj.attempts,
            ) % {"count": obj.attempts}
        if not obj.error:
            return state
        # A notice can leave (the secretariat's copy) and still say the delegation was not told.
        return _("%(state)s: %(error)s") % {"state": state, "error": obj.error[:200]}


def _names(items) -> str:
    """Names in a sentence, separated as the language separates them."""
    return pgettext("between names", ", ").join(str(item) for item in items)


def _who_is_told(member_state: MemberState, kind: str) -> tuple[int, str]:
    """How many members of the delegation a notice of `kind` reaches, and a sentence saying
    so, or why nobody is told (the sender's own rule)."""
    addresses = delegation_addresses([member_state.pk], kind=kind).get(member_state.pk, {})
    count = sum(len(recipients) for recipients in addresses.values())
    if count:
        return count, ngettext(
            "%(count)s member of the delegation is told by e-mail.",
            "%(count)s members of the delegation are told by e-mail.",
            count,
        ) % {"count": count}
    return 0, _("No one in the delegation of %(state)s is told by e-mail: %(reason)s.") % {
        "state": member_state,
        "reason": nobody_to_tell(kind),
    }


def _say_who_is_told(request, done: str, *, member_state: MemberState, kind: str) -> None:
    """Follow the message of an act that e-mails the delegation with who is told: a
    success naming how many, or a warning that nobody is and why (the act stands)."""
    count, told = _who_is_told(member_state, kind)
    level = messages.success if count else messages.warning
    level(request, " ".join([str(done), told]))


@admin.register(Assessment)
class AssessmentAdmin(StateNameSearch, admin.ModelAdmin):
    """The secretariat's review desk: progress of every State, review, exports, overview."""

    # Regional group and counts by status are left to the filters, the review page and
    # the overview: with them the list did not fit a 1280 px screen.
    list_display = [
        "member_state",
        "cycle_code",
        "status",
        "progress",
        "last_activity_at",
        "submitted_at",
    ]
    list_filter = ["cycle", "status", "member_state__regional_group", ProgressBandFilter]
    list_select_related = ["member_state", "cycle"]
    search_fields = ["member_state__name", "member_state__iso3"]
    ordering = ["-cycle__deadline", "member_state__name"]
    list_per_page = 50
    actions = [
        "download_pdfs",
        "export_csv",
        "export_xlsx",
        "export_csv_with_drafts",
        "export_xlsx_with_drafts",
    ]

    def get_queryset(self, request):
        return with_progress(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        # State names are stored with the typographic apostrophe (Côte d’Ivoire).
        return super().get_search_results(request, queryset, search_term.replace("'", "’"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # answers change only through the delegation's pages

    def has_review_permission(self, request):
        return request.user.has_perm("assessments.review_assessment")

    @admin.display(description=_("cycle"), ordering="cycle__deadline")
    def cycle_code(self, obj):
        return obj.cycle.code

    @admin.display(description=_("answered"), ordering="answered")
    def progress(self, obj):
        counts = StatusCounts.of_annotated(obj)
        return f"{counts.answered} / {counts.total}"

    @admin.display(description=_("last submitted"), ordering="submitted_at")
    def submitted_at(self, obj):
        return obj.submitted_at

    def _filename(self, extension):
        return f"r2p-assessments-{timezone.now():%Y%m%d-%H%M}.{extension}"

    @admin.action(description=_("Download the submitted PDFs as one ZIP"), permissions=["review"])
    def download_pdfs(self, request, queryset):
        if not Submission.objects.filter(assessment__in=queryset.order_by()).exists():
            messages.warning(request, _("None of the selected assessments has been submitted."))
            return None
        export_pdf_zip_request(
            assessments=queryset.order_by(),
            requested_by=request.user,
            filename=self._filename("zip"),
        )
        messages.success(
            request,
            _(
                "The ZIP of PDFs is being prepared. It is listed under Exports, where you "
                "can download it once it is ready."
            ),
        )
        return redirect("admin:assessments_export_changelist")

    # Submitted versions by default; live drafts only when asked for by name.
    @admin.action(description=_("Export the submitted answers to CSV"), permissions=["review"])
    def export_csv(self, request, queryset):
        return csv_response(queryset.order_by(), export_filename("csv", include_drafts=False))

    @admin.action(
        description=_("Export the submitted answers to Excel (XLSX)"), permissions=["review"]
    )
    def export_xlsx(self, request, queryset):
        return xlsx_response(queryset.order_by(), export_filename("xlsx", include_drafts=False))

    @admin.action(
        description=_("Export the answers to CSV, live drafts included"), permissions=["review"]
    )
    def export_csv_with_drafts(self, request, queryset):
        return csv_response(
            queryset.order_by(), export_filename("csv", include_drafts=True), include_drafts=True
        )

    @admin.action(
        description=_("Export the answers to Excel (XLSX), live drafts included"),
        permissions=["review"],
    )
    def export_xlsx_with_drafts(self, request, queryset):
        return xlsx_response(
            queryset.order_by(), export_filename("xlsx", include_drafts=True), include_drafts=True
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("overview/", wrap(self.overview_view), name="assessments_overview"),
            path("chasing/", wrap(self.chasing_view), name="assessments_chasing"),
            path("overview.pdf", wrap(self.overview_pdf_view), name="assessments_overview_pdf"),
            path(
                "across-states/recommendation/<str:code>/",
                wrap(self.cross_state_view),
                name="assessments_cross_state_recommendation",
            ),
            path(
                "across-states/theme/<slug:slug>/",
                wrap(self.cross_state_view),
                name="assessments_cross_state_theme",
            ),
            *super().get_urls(),
        ]

    def _require_review(self, request):
        if not self.has_review_permission(request):
            raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review page: every answer read-only, its history, comments and transitions."""
        self._require_review(request)
        assessment = self.get_object(request, unquote(object_id))
        if assessment is None:
            raise Http404
        if request.method == "POST":
            form = ReviewForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                if data["action"] in ("return", "accept") and not data["confirmed"]:
                    confirmation = self._confirmation(request, assessment, data)
                    if confirmation is not None:
                        return confirmation
                else:
                    self._review_action(request, assessment, data)
            else:
                for field, errors in form.errors.items():
                    label = form[field].label if field in form.fields else ""
                    messages.error(request, f"{label}: {' '.join(errors)}" if label else errors[0])
            return redirect(request.path)
        return render(
            request,
            "admin/assessments/assessment/review.html",
            {
                **self.admin_site.each_context(request),
                **review_context(assessment, show=request.GET.get("show", "")),
                "opts": self.model._meta,
                "title": _("Review: %(assessment)s") % {"assessment": assessment},
            },
        )

    def _confirmation(self, request, assessment, data):
        """The step between the button and the transition: what happens next, and a
        Confirm button tied to the version the reviewer saw. A comment a return cannot
        go without is asked for before, not after, confirming."""
        returning = data["action"] == "return"
        try:
            text = clean_comment(data["text"], required=returning)
        except ValueError as error:
            messages.error(request, str(error))
            return None
        number = data["submission"]
        if returning:
            title = _("Return version %(number)s for revision?") % {"number": number}
            consequence = _(
                "The delegation will be able to edit the assessment again and will see your "
                "comment. It comes back to you when the delegation submits a new version."
            )
        else:
            title = _("Accept version %(number)s?") % {"number": number}
            consequence = _(
                "The assessment becomes final: the delegation can no longer change it. "
                "Version %(number)s and its PDF stay as they were submitted."
            ) % {"number": number}
        return render(
            request,
            "admin/assessments/assessment/review_confirm.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "assessment": assessment,
                "title": title,
                "consequence": consequence,
                "action": data["action"],
                "text": text,
                "number": number,
                "told": _who_is_told(
                    assessment.member_state,
                    EmailKind.RETURNED if returning else EmailKind.ACCEPTED,
                ),
            },
        )

    def _review_action(self, request, assessment, data):
        text, action = data["text"], data["action"]
        try:
            if action == "comment":
                answer = (
                    get_object_or_404(assessment.answers, pk=data["answer"])
                    if data["answer"]
                    else None
                )
                review_comment_add(
                    assessment=assessment, text=text, user=request.user, answer=answer
                )
                done, kind = _("Your comment has been added."), EmailKind.COMMENT
            elif action == "return":
                assessment_return(
                    assessment=assessment,
                    user=request.user,
                    text=text,
                    seen_submission=data["submission"],
                )
                done = _("The assessment is returned; the delegation can edit it again.")
                kind = EmailKind.RETURNED
            else:
                assessment_accept(
                    assessment=assessment,
                    user=request.user,
                    text=text,
                    seen_submission=data["submission"],
                )
                done, kind = _("The assessment is accepted."), EmailKind.ACCEPTED
        except (TransitionRefused, ValueError) as error:
            messages.error(request, str(error))
            return
        _say_who_is_told(request, done, member_state=assessment.member_state, kind=kind)

    def _overview_context(self, request):
        self._require_review(request)
        cycles, cycle = self._chosen_cycle(request)
        scope = request.GET.get("scope", "submitted")
        if scope not in SCOPES:
            raise Http404
        return {**cycle_overview(cycle, scope), "cycles": cycles}

    def overview_view(self, request):
        return render(
            request,
            "admin/assessments/assessment/overview.html",
            {
                **self.admin_site.each_context(request),
                **self._overview_context(request),
                "opts": self.model._meta,
                "title": _("Global overview"),
                # Each recommendation and theme leads to how every State answered it.
                "link_across_states": True,
                "themes": Theme.objects.with_translations(),
            },
        )

    def cross_state_view(self, request, code=None, slug=None):
        """How every State answered one recommendation or the recommendations of a theme;
        as a page, or a CSV or XLSX file (`?format=`)."""
        self._require_review(request)
        cycles, cycle = self._chosen_cycle(request)
        scope = request.GET.get("scope", "submitted")
        group = request.GET.get("group", "")
        if scope not in SCOPES or group not in ("", *RegionalGroup.values):
            raise Http404
        recommendations = Recommendation.objects.for_member_states().with_catalogue()
        recommendations = recommendations.with_translations()
        if slug is not None:
            subject = get_object_or_404(Theme.objects.with_translations(), slug=slug)
            recommendations = list(recommendations.filter(theme_links__theme=subject))
        else:
            subject = get_object_or_404(recommendations, code=code)
            recommendations = [subject]
        # A theme by its name in the active language, a recommendation by its code.
        name = shown_in(subject, "name").text if slug is not None else str(subject)
        view = cross_state_answers(
            cycle=cycle, recommendations=recommendations, scope=scope, group=group
        )
        export = request.GET.get("format")
        if export in ("csv", "xlsx"):
            name = f"R2P-{slug or code}-{cycle.code}-{scope}{'-' + group if group else ''}"
            rows, filename = cross_state_rows(view), f"{name}.{export}"
            if export == "csv":
                return table_csv_response(export_header(), rows, filename)
            return table_xlsx_response(export_header(), rows, filename, about=view.about(name))
        query = request.GET.copy()
        query.pop("format", None)
        return render(
            request,
            "admin/assessments/assessment/cross_state.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Across States: %(subject)s") % {"subject": name},
                "subject": subject,
                "theme": subject if slug is not None else None,
                "view": view,
                "cycles": cycles,
                "groups": RegionalGroup.choices,
                "query": query.urlencode(),
            },
        )

    def _chosen_cycle(self, request):
        """The cycles to choose from, and the one asked for (the latest by default)."""
        cycles = list(Cycle.objects.order_by("-deadline"))
        if not cycles:
            raise Http404
        code = request.GET.get("cycle") or cycles[0].code
        cycle = next((item for item in cycles if item.code == code), None)
        if cycle is None:
            raise Http404
        return cycles, cycle

    def chasing_view(self, request):
        """Every Member State in a cycle, those that never started included: who to chase,
        and a reminder to the States chosen, sent from a confirmation page."""
        self._require_review(request)
        cycles, cycle = self._chosen_cycle(request)
        filters = ChasingFilters.from_query(request.GET)
        if request.method == "POST":
            if request.POST.get("confirmed"):
                return self._send_reminders(request, cycle)
            return self._confirm_reminders(request, cycle, filters)
        states = list(chasing_states(cycle, filters))
        statuses = [*AssessmentStatus.choices, (NOT_STARTED, _("Not started"))]
        for state in states:
            state.progress = StatusCounts.of_annotated(state)
            state.status_label = dict(statuses)[state.status or NOT_STARTED]
            state.reminder_refusal = reminder_refusal(state.status)
        return render(
            request,
            "admin/assessments/assessment/chasing.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Chasing desk"),
                "cycles": cycles,
                "cycle": cycle,
                "filters": filters,
                "states": states,
                "remindable": {
                    choice: len(chosen) for choice, chosen in remindable(states).items()
                },
                "statuses": statuses,
                "regional_groups": RegionalGroup.choices,
                "may_grant": request.user.has_perm("assessments.add_extension"),
            },
        )

    def _chosen_states(self, request, cycle, filters) -> list[int] | None:
        """The States the secretariat asked to remind: one of the chasing.CHOICES among
        the States listed, or those ticked. None (with a message) when the request names
        no State, or something that is not one."""
        which = request.POST.get("which", "selected")
        if which in CHASING_CHOICES:
            return [state.pk for state in remindable(chasing_states(cycle, filters))[which]]
        if which != "selected":
            messages.error(request, _("Choose which States to remind."))
            return None
        return self._ticked_states(request)

    def _ticked_states(self, request) -> list[int] | None:
        values = request.POST.getlist("state")
        # Not "²" either, a digit to isdigit alone.
        if not all(value.isascii() and value.isdigit() for value in values):
            messages.error(
                request,
                _("The selection could not be read. Nothing was sent: choose the States again."),
            )
            return None
        if not values:
            messages.warning(request, _("Select the States to remind first."))
            return None
        return [int(value) for value in values]

    def _confirm_reminders(self, request, cycle, filters):
        """What a reminder to the States chosen would do, before it is sent: how many go,
        to which States and how many people, and which States are skipped and why."""
        chosen = self._chosen_states(request, cycle, filters)
        if chosen is None:
            return redirect(request.get_full_path())
        if not chosen:
            messages.warning(request, _("No State listed fits this choice: nobody to remind."))
            return redirect(request.get_full_path())
        try:
            plan = reminder_plan(cycle=cycle, member_state_ids=chosen, today=utc_today())
        except RemindersRefused as refused:
            messages.error(request, str(refused))
            return redirect(request.get_full_path())
        count = len(plan.reminded)
        title = (
            ngettext(
                "Send a reminder to %(count)s State?", "Send a reminder to %(count)s States?", count
            )
            % {"count": count}
            if count
            else _("No reminder would be sent")
        )
        return render(
            request,
            "admin/assessments/assessment/chasing_confirm.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "cycle": cycle,
                "plan": plan,
                "chosen": sorted(chosen),
                "back": request.get_full_path(),
            },
        )

    def _send_reminders(self, request, cycle):
        # The States the confirmation page showed, by name: never a choice worked out
        # anew, which could reach States the page did not show.
        chosen = self._ticked_states(request)
        if chosen is None:
            return redirect(request.get_full_path())
        try:
            plan = reminders_send(cycle=cycle, member_state_ids=chosen, user=request.user)
        except RemindersRefused as refused:
            messages.error(request, str(refused))
            return redirect(request.get_full_path())
        count = len(plan.reminded)
        if count:
            messages.success(
                request,
                ngettext(
                    "A reminder is on its way to %(count)s State.",
                    "A reminder is on its way to %(count)s States.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.warning(request, _("No reminder was sent."))
        for reason, states in plan.skipped_by_reason():
            messages.warning(
                request,
                ngettext(
                    "%(count)s State not reminded (%(reason)s): %(states)s.",
                    "%(count)s States not reminded (%(reason)s): %(states)s.",
                    len(states),
                )
                % {"count": len(states), "reason": reason, "states": _names(states)},
            )
        return redirect(request.get_full_path())

    def overview_pdf_view(self, request):
        context = self._overview_context(request)
        pdf = render_pdf("assessments/pdf/overview.html", context)
        result = HttpResponse(pdf, content_type="application/pdf")
        result["Content-Disposition"] = (
            f'attachment; filename="R2P-overview-{context["cycle"].code}-{context["scope"]}.pdf"'
        )
        return result


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Files built by a worker at the secretariat's request, downloaded from here when ready."""

    list_display = ["filename", "requested_by", "requested_at", "finished_at", "download"]
    list_filter = ["state"]
    list_select_related = ["requested_by"]
    ordering = ["-requested_at", "-pk"]
    fields = ["filename", "requested_by", "requested_at", "state", "finished_at", "error"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("assessments.review_assessment")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:pk>/download/", download, name="assessments_export_download"),
            *super().get_urls(),
        ]

    @admin.display(description=_("file"), ordering="state")
    def download(self, obj):
        if obj.state != ExportState.READY:
            return obj.progress()
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:assessments_export_download", args=[obj.pk]),
            _("Download"),
        )

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        export = get_object_or_404(Export, pk=pk, state=ExportState.READY)
        return private_download(
            export.file, filename=export.filename, content_type="application/zip"
        )
