"""What the open data keeps: each use of a secretariat API key, and the synthesis
reports rendered by the worker. The keys themselves are djangorestframework-api-key's
(hashed, created and revoked in the admin); what a State consents to publish is
assessments' (`Publication`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import APIKey


class SecretariatApiKey(APIKey):
    """A secretariat API key as the admin shows it, in the site's languages (the
    library's own model names itself in English only). The same table: what the token
    API checks is `APIKey`."""

    class Meta:
        proxy = True
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")


class ApiKeyUse(models.Model):
    """One request made with a secretariat API key: who, when, what."""

    key = models.ForeignKey(
        APIKey, on_delete=models.CASCADE, related_name="uses", verbose_name=_("API key")
    )
    used_at = models.DateTimeField(_("used at"), auto_now_add=True, db_index=True)
    path = models.CharField(_("path"), max_length=500)
    status = models.PositiveSmallIntegerField(_("status"))
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        ordering = ["-used_at"]
        verbose_name = _("API key use")
        verbose_name_plural = _("API key uses")

    def __str__(self):
        return f"{self.key} {self.path} {self.used_at:%Y-%m-%d %H:%M}"


class SynthesisDocument(models.Model):
    """The synthesis report of a cycle in one language, for the public (published
    submissions only) or the secretariat (every accepted submission), rendered by the
    worker."""

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Public (published submissions)")
        SECRETARIAT = "secretariat", _("Secretariat (all accepted submissions)")

    cycle = models.ForeignKey(
        "assessments.Cycle",
        on_delete=models.CASCADE,
        related_name="synthesis_documents",
        verbose_name=_("cycle"),
    )
    language = models.CharField(_("language"), max_length=10)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    pdf = models.FileField(_("PDF"), upload_to="synthesis/", max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    # What the figures were computed from: the submissions counted, so that a newer
    # acceptance or publication shows the document as out of date.
    submissions_counted = models.JSONField(_("submissions counted"), default=list)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("synthesis report")
        verbose_name_plural = _("synthesis reports")
        constraints = [
            # One rendering of a cycle, language and audience at a time: a second request
            # while one is waiting or under way is refused (services.py), even when two
            # arrive at once.
            models.UniqueConstraint(
                fields=["cycle", "language", "audience"],
                condition=models.Q(rendered_at__isnull=True, error=""),
                name="one_pending_synthesis_document",
            ),
            models.CheckConstraint(
                condition=models.Q(audience__in=["public", "secretariat"]),
                name="synthesis_document_audience_valid",
            ),
        ]

    def __str__(self):
        return f"{self.cycle} {self.language} {self.audience}"

    def filename(self) -> str:
        """For example R2P-synthesis-2025-public-fr.pdf."""
        return f"R2P-synthesis-{self.cycle.code}-{self.audience}-{self.language}.pdf"


class CatalogueVersion(models.Model):
    """When what the public API and the downloads show last changed: one row, stamped
    by database triggers on every write to the tables they read (opendata/api/version.py),
    so that a conditional request is answered from this row alone."""

    counter = models.BigIntegerField(_("changes"), default=0)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")

    def __str__(self):
        return f"{self.counter} {self.changed_at:%Y-%m-%d %H:%M:%S}"


class ApiRateWindow(models.Model):
    """How many requests one client made to the API in its current window of time: one
    row per client, counted by one statement per request (api/throttling.py)."""

    key = models.CharField(_("client"), max_length=100, primary_key=True)
    window = models.BigIntegerField(_("window"))
    count = models.PositiveIntegerField(_("requests"))

    class Meta:
        verbose_name = _("API rate window")
        verbose_name_plural = _("API rate windows")
        indexes = [models.Index(fields=["window"], name="opendata_rate_window_idx")]

    def __str__(self):
        return f"{self.key}: {self.count}"
