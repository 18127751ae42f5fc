from django import forms
from django.contrib import admin
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from r2p_site.admin_mixins import RecordAdmin

from .models import (
    Recommendation,
    RecommendationTranslation,
    Report,
    ReportTranslation,
    Section,
    Target,
    Theme,
    ThemeLink,
    ThemeTranslation,
    TranslationImport,
    recommendation_code,
)


class RecommendationForm(forms.ModelForm):
    """Gives a new recommendation its permanent code from its report year, target and position."""

    class Meta:
        model = Recommendation
        fields = ["section", "position", "text", "place"]

    def clean(self):
        cleaned_data = super().clean()
        section = cleaned_data.get("section") or getattr(self.instance, "section", None)
        position = cleaned_data.get("position")
        if self.instance.code or section is None or position is None:
            return cleaned_data
        code = recommendation_code(
            year=section.report.year, target_code=section.target.code, position=position
        )
        if Recommendation.objects.filter(code=code).exists():
            raise forms.ValidationError(
                _("The code %(code)s is already taken: choose another position."),
                params={"code": code},
                code="code_taken",
            )
        self.instance.code = code
        return cleaned_data


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["position", "code", "name"]
    list_display_links = ["name"]
    ordering = ["position"]

    def has_delete_permission(self, request, obj=None):
        # Codes of existing recommendations embed the target code.
        return False


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["target", "paragraphs"]
    extra = 0
    show_change_link = True


class ReportTranslationInline(admin.TabularInline):
    """The official title (and focus) in the other UN languages; pages and PDFs in a
    language without one show the English, marked as the original."""

    model = ReportTranslation
    fields = ["language", "title", "focus"]
    extra = 0


class RecommendationTranslationInline(admin.TabularInline):
    model = RecommendationTranslation
    fields = ["language", "text"]
    extra = 0


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["year", "number", "symbol", "title", "recommendation_count"]
    list_display_links = ["year", "title"]
    search_fields = ["title", "symbol", "focus"]
    ordering = ["-year"]
    inlines = [SectionInline, ReportTranslationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_recommendation_counts()

    @admin.display(description=_("recommendations"), ordering="recommendation_count")
    def recommendation_count(self, report):
        return report.recommendation_count


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    form = RecommendationForm
    fields = ["position", "code", "text", "place"]
    readonly_fields = ["code"]
    extra = 1
    ordering = ["position"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["report", "target", "paragraphs", "recommendation_count"]
    list_filter = ["target", "report__year"]
    list_select_related = ["report", "target"]
    search_fields = ["report__title", "report__symbol", "paragraphs"]
    autocomplete_fields = ["report"]
    inlines = [RecommendationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("report", "target")
            .annotate(recommendation_count=Count("recommendations"))
        )

    @admin.display(description=_("recommendations"), ordering="recommendation_count")
    def recommendation_count(self, section):
        return section.recommendation_count


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    form = RecommendationForm
    list_display = ["code", "short_text", "target", "year", "place"]
    list_filter = ["section__target", "section__report__year"]
    list_select_related = ["section__report", "section__target"]
    search_fields = ["code", "text"]
    readonly_fields = ["code"]
    autocomplete_fields = ["section"]
    list_per_page = 50
    inlines = [RecommendationTranslationInline]

    def get_fields(self, request, obj=None):
        fields = ["section", "position", "text", "place"]
        return ["code", *fields] if obj else fields

    @admin.display(description=_("recommendation"))
    def short_text(self, recommendation):
        return Truncator(recommendation.text).chars(120)

    @admin.display(description=_("target"), ordering="section__target__position")
    def target(self, recommendation):
        return recommendation.section.target

    @admin.display(description=_("year"), ordering="section__report__year")
    def year(self, recommendation):
        return recommendation.section.report.year


class ThemeLinkInline(admin.TabularInline):
    """Each link with the one-line reason it was made for."""

    model = ThemeLink
    fields = ["recommendation", "reason"]
    autocomplete_fields = ["recommendation"]
    extra = 1


class ThemeTranslationInline(admin.TabularInline):
    """The theme's name and description in the other UN languages; where none is given
    pages show the English, marked as the original."""

    model = ThemeTranslation
    fields = ["language", "name", "description"]
    extra = 0


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "link_count"]
    list_display_links = ["name"]
    search_fields = ["name", "description", "links__recommendation__code"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "position", "description"]
    inlines = [ThemeLinkInline, ThemeTranslationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(link_count=Count("links"))

    @admin.display(description=_("recommendations"), ordering="link_count")
    def link_count(self, theme):
        return theme.link_count


@admin.register(TranslationImport)
class TranslationImportAdmin(RecordAdmin, admin.ModelAdmin):
    """The record of every import of official translations; the upload, the preview and
    the confirm are pages of their own (official_texts/urls.py), open to whoever may add
    and change recommendation translations."""

    list_display = [
        "uploaded_at",
        "report",
        "language",
        "file_name",
        "status",
        "uploaded_by",
        "added",
        "replaced",
        "unchanged",
    ]
    list_filter = ["status", "language", "report__year"]
    list_select_related = ["report", "uploaded_by"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perms(
            [
                "catalogue.add_recommendationtranslation",
                "catalogue.change_recommendationtranslation",
            ]
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_urls(self):
        return [path("import/", include("catalogue.official_texts.urls")), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:catalogue_translationimport_preview", object_id)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "upload_url": reverse("admin:catalogue_translationimport_upload"),
        }
        return super().changelist_view(request, extra_context)
