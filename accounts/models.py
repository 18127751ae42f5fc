from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice

from r2p_site.fonts import validate_printable

from .validators import validate_person_name


class User(AbstractUser):
    """A person signing in: delegation staff or secretariat staff.

    Custom from the first migration so that fields can be added later without
    swapping the user model.
    """

    # Printed in country reports (who submitted, who last changed an answer): only
    # characters the report can print, and on one line that reads as typed.
    first_name = models.CharField(
        _("first name"),
        max_length=150,
        blank=True,
        validators=[validate_printable, validate_person_name],
    )
    last_name = models.CharField(
        _("last name"),
        max_length=150,
        blank=True,
        validators=[validate_printable, validate_person_name],
    )
    # Set for focal points who joined by invitation or took the role over: they
    # answer for a State, so their account needs a second factor like staff.
    two_factor_required = models.BooleanField(_("two-factor sign-in required"), default=False)
    # Chosen with the language switcher; it wins over the browser's languages once
    # signed in (accounts.middleware.UserLanguageMiddleware). Blank: never chosen.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username


class RecoveryCode(models.Model):
    """One unused recovery code, hashed like a password: the code itself is shown once,
    when it is made, and stored nowhere.

    The device holding the codes stays django-otp's StaticDevice (confirmed, throttled,
    named in the session of whoever signed in with it); its StaticTokens, which django-otp
    keeps in clear, are never used (accounts.two_factor checks the codes here).
    """

    device = models.ForeignKey(
        StaticDevice,
        on_delete=models.CASCADE,
        related_name="recovery_codes",
        verbose_name=_("device"),
    )
    code_hash = models.CharField(_("code hash"), max_length=128)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self):
        return str(_("recovery code"))
