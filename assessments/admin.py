from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Exists, F, OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalogue import admin as catalogue_admins
from catalogue.models import Recommendation, Section
from delegations.state_search import StateNameSearch
from r2p_site.admin_mixins import RecordAdmin

from . import policy
from .counts import StatusCounts
from .models import (
    Assessment,
    Cycle,
    CycleTranslation,
    EmailRecord,
    Export,
    ExportState,
    Extension,
    PublicationEvent,
    Submission,
    utc_display,
)
from .selectors.exports import csv_response, export_filename, xlsx_response
from .selectors.progress import with_progress
from .services.exports import export_pdf_zip_request
from .services.extensions import extension_grant
from .services.lifecycle import answers_sync_open_cycles
from .services.reports import submission_pdf_enqueue
from .views.desk import across_states as desk_across_states
from .views.desk import chasing as desk_chasing
from .views.desk import exports as desk_exports
from .views.desk import overview as desk_overview
from .views.desk import review as desk_review


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


class CycleTranslationInline(admin.TabularInline):
    model = CycleTranslation
    extra = 0


@admin.register(Cycle)
class CycleAdmin(SyncsAnswers, admin.ModelAdmin):
    """The secretariat opens a new reporting cycle here, choosing the reports it covers,
    and names it in the other UN languages."""

    inlines = [CycleTranslationInline]
    list_display = ["name", "code", "deadline", "is_open"]
    list_filter = ["is_open"]
    search_fields = ["name", "code"]
    filter_horizontal = ["reports"]
    ordering = ["-deadline"]

    def has_delete_permission(self, request, obj=None):
        # Assessments and their submissions belong to a cycle for good.
        return False


@admin.register(Extension)
class ExtensionAdmin(RecordAdmin, StateNameSearch, admin.ModelAdmin):
    """The secretariat grants a State more time to submit; every grant stays on record
    (a new grant replaces an extension, the old one stays)."""

    may_add = True
    list_display = ["member_state", "cycle", "until", "granted_at", "granted_by", "reason"]
    list_filter = ["cycle", "member_state__regional_group"]
    list_select_related = ["member_state", "cycle", "granted_by"]
    search_fields = ["member_state__name", "member_state__iso3"]
    autocomplete_fields = ["member_state"]
    fields = ["member_state", "cycle", "until", "reason", "granted_at", "granted_by"]
    readonly_fields = ["granted_at", "granted_by"]

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


class PublicationFilter(admin.SimpleListFilter):
    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("public", _("Public now")),
            ("withdrawn", _("Withdrawn")),
            ("never", _("Never published")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "public":
            return queryset.filter(policy.published_q())
        if self.value() == "withdrawn":
            return queryset.filter(publication__withdrawn_at__isnull=False)
        if self.value() == "never":
            return queryset.filter(publication__isnull=True)
        return queryset


@admin.register(Submission)
class SubmissionAdmin(RecordAdmin, StateNameSearch, admin.ModelAdmin):
    """Every submitted version; the secretariat sees here which lack their PDF, and why."""

    state_path = "assessment__member_state"
    # The PDF's state, attempts and error share one column: seven columns did not fit a
    # 1280 px screen beside the navigation and the filters.
    # Publication is a filter, not a column, for the same reason.
    list_display = ["member_state", "number", "submitted_at", "submitted_by", "pdf_state"]
    list_filter = [PdfStoredFilter, PublicationFilter, "assessment__cycle"]
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
        "publication_record",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # Public now is the policy's (the latest version of an accepted assessment, its
        # publication not withdrawn), one subquery for the page.
        return (
            super()
            .get_queryset(request)
            .annotate(
                is_public=Exists(Submission.objects.filter(policy.published_q(), pk=OuterRef("pk")))
            )
        )

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
            state = _("Missing: not rendered yet")
        else:
            state = ngettext(
                "Missing after %(count)s attempt",
                "Missing after %(count)s attempts",
                obj.pdf_attempts,
            ) % {"count": obj.pdf_attempts}
        # How long the delegation has been waiting for its document, since it submitted.
        state = _("%(state)s, waiting for %(waited)s") % {
            "state": state,
            "waited": timesince(obj.submitted_at),
        }
        if not obj.pdf_error:
            return state
        return _("%(state)s: %(error)s") % {"state": state, "error": obj.pdf_error[:120]}

    @admin.display(description=_("publication record"))
    def publication_record(self, obj):
        """Every act of publishing and withdrawing this version, and the files made public."""
        events = PublicationEvent.objects.filter(publication__submission=obj).select_related("by")
        lines = [
            format_html(
                "<li>{}: {}, {}{}</li>",
                event.get_kind_display(),
                utc_display(event.at),
                event.by,
                format_html(" ({})", ", ".join(file["name"] for file in event.attachments))
                if event.attachments
                else "",
            )
            for event in events
        ]
        if not lines:
            return _("Not published")
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((line,) for line in lines)))

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
class EmailRecordAdmin(RecordAdmin, StateNameSearch, admin.ModelAdmin):
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


@admin.register(Assessment)
class AssessmentAdmin(RecordAdmin, StateNameSearch, admin.ModelAdmin):
    """The secretariat's review desk: progress of every State, review, exports, overview.
    A record here too: answers change only through the delegation's pages."""

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

    def has_review_permission(self, request):
        return request.user.has_perm("assessments.review_assessment")

    @admin.display(description=_("cycle"), ordering="cycle__deadline")
    def cycle_code(self, obj):
        return obj.cycle.code

    @admin.display(description=_("answered"), ordering="answered")
    def progress(self, obj):
        counts = StatusCounts.of_annotated(obj)
        # Left to right in every language: in Arabic "0 / 12" would read "12 / 0".
        return format_html('<span dir="ltr">{} / {}</span>', counts.answered, counts.total)

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
            path("overview/", wrap(desk_overview.overview), name="assessments_overview"),
            path("chasing/", wrap(desk_chasing.chasing), name="assessments_chasing"),
            path("overview.pdf", wrap(desk_overview.overview_pdf), name="assessments_overview_pdf"),
            path(
                "across-states/recommendation/<str:code>/",
                wrap(desk_across_states.across_states),
                name="assessments_cross_state_recommendation",
            ),
            path(
                "across-states/theme/<slug:slug>/",
                wrap(desk_across_states.across_states),
                name="assessments_cross_state_theme",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        desk_review.require_review(request)
        assessment = self.get_object(request, unquote(object_id))
        if assessment is None:
            raise Http404
        return desk_review.review(request, assessment)


@admin.register(Export)
class ExportAdmin(RecordAdmin, admin.ModelAdmin):
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

    def get_urls(self):
        download = self.admin_site.admin_view(desk_exports.export_download)
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
