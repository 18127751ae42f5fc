import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from r2p_site.fonts import validate_printable

from .official_texts.places import validate_place

OFFICIAL_DOCUMENT_URL = "https://undocs.org/{symbol}"
# Bounds on what the secretariat may enter, above the source's longest (a
# recommendation of 383 characters; translations run up to a third longer): every
# State's country report prints these texts, and with a translation of 1,000 characters
# each the worst country report took 9.8 s to render (docs/limits.md).
MAX_RECOMMENDATION_LENGTH = 600
MAX_DESCRIPTION_LENGTH = 2000
# The language the catalogue is written in; translations are of it.
SOURCE_LANGUAGE = "en"


# The addressees as the source document names them: the interface's vocabulary, so
# translated like its other labels. A name the secretariat has changed is shown as entered.
SOURCE_TARGET_NAMES = frozenset(
    {
        gettext_noop("Member States"),
        gettext_noop("Regional and Subregional Organizations"),
        gettext_noop("United Nations"),
        gettext_noop("General Assembly"),
        gettext_noop("Civil Society"),
        gettext_noop(
            "International Development Actors (including bilateral donors, multilateral "
            "banks, private sector)"
        ),
    }
)


def target_label(name: str) -> str:
    """A target's name in the active language, where it is one of the source's."""
    return gettext(name) if name in SOURCE_TARGET_NAMES else name


class TargetManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Target(models.Model):
    """The addressee of a group of recommendations (Member States, United Nations, ...)."""

    MEMBER_STATES = "MS"

    code = models.CharField(
        _("code"),
        max_length=5,
        unique=True,
        help_text=_("Short code used in recommendation codes, e.g. MS for Member States."),
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), unique=True)

    objects = TargetManager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2,5}$"),
                name="target_code_upper_letters",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        return target_label(self.name)

    def natural_key(self):
        return (self.code,)


def is_source_language(language: str | None) -> bool:
    return not language or language.split("-")[0] == SOURCE_LANGUAGE


@dataclass(frozen=True)
class Shown:
    """A catalogue text as a page shows it in one language."""

    text: str
    # The English source, shown for want of a translation: marked lang="en" and said.
    original: bool


def shown_in(obj, field: str, language: str | None = None) -> Shown:
    """The text of `field` of a report ("title"), a recommendation ("text") or a theme
    ("name", "description") in `language` (the active one by default): its official
    translation, or the English original (also where the translation leaves that field
    empty).

    Reads `obj.translations.all()`, so lists prefetch them with `with_translations()`;
    in English nothing is read.
    """
    language = language or get_language()
    source = getattr(obj, field)
    if is_source_language(language):
        return Shown(source, original=False)
    for translation in obj.translations.all():
        if translation.language == language and getattr(translation, field):
            return Shown(getattr(translation, field), original=False)
    return Shown(source, original=True)


class TranslatedQuerySet(models.QuerySet):
    def with_translations(self, language: str | None = None, *, through: str = ""):
        """Prefetch the translations into `language` (the active one): one query, none in
        English. `through`: the path to the translated objects ("recommendation__")."""
        language = language or get_language()
        if is_source_language(language):
            return self
        model = self.model
        for name in filter(None, through.split("__")):
            model = model._meta.get_field(name).related_model
        translations = model._meta.get_field("translations").related_model
        return self.prefetch_related(
            models.Prefetch(
                f"{through}translations",
                queryset=translations.objects.filter(language=language),
            )
        )


class ReportQuerySet(TranslatedQuerySet):
    def with_recommendation_counts(self):
        return self.annotate(recommendation_count=models.Count("sections__recommendations"))


class ReportManager(models.Manager.from_queryset(ReportQuerySet)):
    def get_by_natural_key(self, year):
        return self.get(year=year)


class Report(models.Model):
    """One annual report of the Secretary-General on the responsibility to protect."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    symbol = models.CharField(
        _("document symbol"),
        max_length=100,
        unique=True,
        help_text=_("For example A/65/877-S/2011/393."),
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_printable])
    focus = models.TextField(_("focus"), blank=True, max_length=MAX_DESCRIPTION_LENGTH)

    objects = ReportManager()

    class Meta:
        ordering = ["year"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2009), name="report_year_from_2009"
            ),
        ]

    def __str__(self):
        return f"{self.year} – {self.title}"

    def get_absolute_url(self):
        return reverse("catalogue:report_detail", args=[self.year])

    def natural_key(self):
        return (self.year,)

    @property
    def first_symbol(self) -> str:
        # A joint document ("A/65/877-S/2011/393") is filed under its General Assembly symbol.
        return re.split(r"-(?=S/)", self.symbol, maxsplit=1)[0]

    @property
    def document_url(self) -> str:
        return OFFICIAL_DOCUMENT_URL.format(symbol=self.first_symbol)


class SectionManager(models.Manager):
    def get_by_natural_key(self, year, target_code):
        return self.get(report__year=year, target__code=target_code)


class Section(models.Model):
    """The recommendations of one report to one target, with their shared paragraph reference."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="sections", verbose_name=_("report")
    )
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="sections", verbose_name=_("target")
    )
    paragraphs = models.CharField(
        _("relevant paragraphs"),
        max_length=200,
        help_text=_("Paragraph references in the report, e.g. 13–27, 46–47."),
    )

    objects = SectionManager()

    class Meta:
        ordering = ["report__year", "target__position"]
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "target"], name="one_section_per_report_target"
            ),
        ]

    def __str__(self):
        return f"{self.report.year} – {self.target}"

    def natural_key(self):
        return (self.report.year, self.target.code)

    natural_key.dependencies = ["catalogue.report", "catalogue.target"]


# The order of the source document: by report, by addressee, by position.
CATALOGUE_ORDER = ("section__report__year", "section__target__position", "position")


class RecommendationQuerySet(TranslatedQuerySet):
    def for_target(self, code: str):
        return self.filter(section__target__code=code)

    def for_member_states(self):
        return self.for_target(Target.MEMBER_STATES)

    def with_catalogue(self):
        return self.select_related("section__report", "section__target")

    def with_report_year_and_target_name(self):
        """`report_year` and `target_name` on each recommendation, read in the same query
        without the three objects a row that `with_catalogue` builds: for a long list that
        shows no more of them."""
        return self.annotate(
            report_year=models.F("section__report__year"),
            target_name=models.F("section__target__name"),
        )

    def in_catalogue_order(self):
        return self.order_by(*CATALOGUE_ORDER)


class RecommendationManager(models.Manager.from_queryset(RecommendationQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Recommendation(models.Model):
    """One bullet of a report's recommendations, citable by its stable code (e.g. 2013-MS-04)."""

    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("report section"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    text = models.TextField(
        _("text"), max_length=MAX_RECOMMENDATION_LENGTH, validators=[validate_printable]
    )
    # Where the report makes the recommendation: the source names paragraphs per
    # section only, so the import of official translations reads this place instead
    # (catalogue/official_texts/paragraphs.py).
    place = models.CharField(
        _("place in the report"),
        max_length=20,
        blank=True,
        validators=[validate_place],
        help_text=_(
            "The paragraph of the report that makes this recommendation, and its place in "
            "it: 17 (the whole paragraph), 17(b) (its second lettered sub-paragraph) or "
            "17.2 (its second sentence). Official translations are imported from there."
        ),
    )

    objects = RecommendationManager()

    class Meta:
        ordering = list(CATALOGUE_ORDER)
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="one_recommendation_per_section_position"
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="recommendation_position_from_1"
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{4}-[A-Z]{2,5}-[0-9]{2,3}$"),
                name="recommendation_code_format",
            ),
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("catalogue:report_detail", args=[self.section.report.year]) + f"#{self.code}"

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = ["catalogue.section"]


def recommendation_code(*, year: int, target_code: str, position: int) -> str:
    return f"{year}-{target_code}-{position:02d}"


def translation_languages() -> list[tuple[str, str]]:
    """The languages a catalogue text is translated into: the site's, English aside
    (the source)."""
    return [(code, name) for code, name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


class Translation(models.Model):
    """An official translation of a catalogue text into one of the other UN languages."""

    language = models.CharField(_("language"), max_length=10, choices=translation_languages)

    class Meta:
        abstract = True
        ordering = ["language"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(language=SOURCE_LANGUAGE),
                name="%(class)s_not_source_language",
            ),
        ]

    def __str__(self):
        return self.get_language_display()


class ReportTranslation(Translation):
    """The official title of a report in another UN language, and its focus, as the
    secretariat enters them."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="translations", verbose_name=_("report")
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_printable])
    # Blank: the pages show the English focus, marked as the original.
    focus = models.TextField(_("focus"), blank=True, max_length=MAX_DESCRIPTION_LENGTH)

    class Meta(Translation.Meta):
        verbose_name = _("report title translation")
        verbose_name_plural = _("report title translations")
        constraints = [
            *Translation.Meta.constraints,
            models.UniqueConstraint(
                fields=["report", "language"], name="one_report_translation_per_language"
            ),
        ]


class RecommendationTranslation(Translation):
    """The official text of a recommendation in another UN language."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("recommendation"),
    )
    text = models.TextField(
        _("text"), max_length=MAX_RECOMMENDATION_LENGTH, validators=[validate_printable]
    )

    class Meta(Translation.Meta):
        verbose_name = _("recommendation translation")
        verbose_name_plural = _("recommendation translations")
        constraints = [
            *Translation.Meta.constraints,
            models.UniqueConstraint(
                fields=["recommendation", "language"],
                name="one_recommendation_translation_per_language",
            ),
        ]


class ThemeManager(models.Manager.from_queryset(TranslatedQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Theme(models.Model):
    """Recommendations to Member States that ask for the same action, across reports."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=MAX_DESCRIPTION_LENGTH)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    recommendations = models.ManyToManyField(
        Recommendation,
        through="ThemeLink",
        related_name="themes",
        verbose_name=_("recommendations"),
    )

    objects = ThemeManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:theme_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class ThemeLinkManager(models.Manager.from_queryset(TranslatedQuerySet)):
    def get_by_natural_key(self, slug, code):
        return self.get(theme__slug=slug, recommendation__code=code)


class ThemeLink(models.Model):
    """A reviewed judgement that a recommendation belongs to a theme, with its reason."""

    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="links", verbose_name=_("theme")
    )
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="theme_links",
        verbose_name=_("recommendation"),
        limit_choices_to={"section__target__code": Target.MEMBER_STATES},
    )
    reason = models.CharField(
        _("reason"),
        max_length=300,
        help_text=_("One line: why this recommendation asks for the theme's action."),
    )

    objects = ThemeLinkManager()

    class Meta:
        ordering = [f"recommendation__{field}" for field in CATALOGUE_ORDER]
        verbose_name = _("theme link")
        verbose_name_plural = _("theme links")
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "recommendation"], name="one_link_per_theme_recommendation"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="theme_link_has_reason"),
        ]

    def __str__(self):
        return f"{self.theme} – {self.recommendation}"

    def natural_key(self):
        return (self.theme.slug, self.recommendation.code)

    natural_key.dependencies = ["catalogue.theme", "catalogue.recommendation"]

    def clean(self):
        if (
            self.recommendation_id
            and not Recommendation.objects.for_member_states()
            .filter(pk=self.recommendation_id)
            .exists()
        ):
            raise ValidationError(
                {"recommendation": _("Themes group recommendations to Member States only.")}
            )
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("Give the reason for this link.")})


class ThemeTranslation(Translation):
    """A theme's name and description in another UN language, as the secretariat enters them."""

    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="translations", verbose_name=_("theme")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=MAX_DESCRIPTION_LENGTH)

    class Meta(Translation.Meta):
        verbose_name = _("theme translation")
        verbose_name_plural = _("theme translations")
        constraints = [
            *Translation.Meta.constraints,
            models.UniqueConstraint(
                fields=["theme", "language"], name="one_theme_translation_per_language"
            ),
        ]


class TranslationImport(models.Model):
    """An official document in another language read against one report: first a
    preview of what it would save (`items`), then, once the secretariat confirms, the
    record of what it saved and what that replaced. What is confirmed is exactly what
    was previewed: the items are stored, not read again from the file."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Saved")
        DISCARDED = "discarded", _("Discarded")

    report = models.ForeignKey(
        Report,
        on_delete=models.CASCADE,
        related_name="translation_imports",
        verbose_name=_("report"),
    )
    language = models.CharField(_("language"), max_length=10, choices=translation_languages)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The proposed title ("" where none was found) and the title it would replace.
    title = models.CharField(_("proposed title"), max_length=300, blank=True)
    previous_title = models.CharField(_("previous title"), max_length=300, blank=True)
    # One entry per recommendation of the report, in catalogue order: its id and code,
    # its place, the proposed text or the problem, and the translation it would replace.
    items = models.JSONField(_("items"), default=list)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("confirmed or discarded by"),
    )
    decided_at = models.DateTimeField(_("confirmed or discarded at"), null=True, blank=True)
    added = models.PositiveIntegerField(_("added"), default=0)
    replaced = models.PositiveIntegerField(_("replaced"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("import of official translations")
        verbose_name_plural = _("imports of official translations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(language=SOURCE_LANGUAGE),
                name="translationimport_not_source_language",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "confirmed", "discarded"]),
                name="translationimport_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.report.year} – {self.language} – {self.file_name}"

    @property
    def placed(self) -> list[dict]:
        return [item for item in self.items if item["text"]]

    @property
    def unplaced(self) -> list[dict]:
        return [item for item in self.items if not item["text"]]
