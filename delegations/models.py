from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from r2p_site.fonts import validate_printable


class RegionalGroup(models.TextChoices):
    AFRICAN = "african", _("African States")
    ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific States")
    EASTERN_EUROPEAN = "eastern_european", _("Eastern European States")
    LATIN_AMERICAN_CARIBBEAN = "latin_american_caribbean", _("Latin American and Caribbean States")
    WESTERN_EUROPEAN_OTHER = "western_european_other", _("Western European and other States")


class NameLanguage(models.TextChoices):
    """The six UN languages a State is named in; English is `MemberState.name`."""

    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")


def name_language(language: str | None) -> str:
    """The NameLanguage of a Django language code ("zh-hans" -> "zh"); English if none."""
    code = (language or "en").split("-")[0].lower()
    return code if code in NameLanguage.values else NameLanguage.ENGLISH


def name_field(language: str) -> str:
    """The MemberState field holding the name in `language` (a NameLanguage)."""
    return "name" if language == NameLanguage.ENGLISH else f"name_{language}"


class MemberStateQuerySet(models.QuerySet):
    def get_by_natural_key(self, iso3):
        return self.get(iso3=iso3)

    def with_missing_names(self):
        """States shown in English in some language: the CLDR had no name for them."""
        missing = models.Q()
        for language in NameLanguage.values:
            if language != NameLanguage.ENGLISH:
                missing |= models.Q(**{name_field(language): ""})
        return self.filter(missing)


MemberStateManager = models.Manager.from_queryset(MemberStateQuerySet)


def _name_in(language_label):
    # Blank: no name known in that language (none in the CLDR), the English one is shown.
    return models.CharField(
        language_label, max_length=100, blank=True, validators=[validate_printable]
    )


class MemberState(models.Model):
    """A UN Member State, named as the UN lists its members."""

    name = models.CharField(_("name"), max_length=100, unique=True, validators=[validate_printable])
    name_ar = _name_in(_("name in Arabic"))
    name_zh = _name_in(_("name in Chinese"))
    name_fr = _name_in(_("name in French"))
    name_ru = _name_in(_("name in Russian"))
    name_es = _name_in(_("name in Spanish"))
    iso3 = models.CharField(_("ISO 3166 alpha-3 code"), max_length=3, unique=True)
    regional_group = models.CharField(
        _("regional group"), max_length=30, choices=RegionalGroup.choices
    )

    objects = MemberStateManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Member State")
        verbose_name_plural = _("Member States")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(iso3__regex=r"^[A-Z]{3}$"), name="member_state_iso3_format"
            ),
            models.CheckConstraint(
                condition=models.Q(regional_group__in=RegionalGroup.values),
                name="member_state_regional_group_valid",
            ),
        ]

    def __str__(self):
        return self.local_name

    def natural_key(self):
        return (self.iso3,)

    def name_in(self, language: str | None) -> str:
        """The State's name in `language` (a Django language code), English if none is known."""
        return getattr(self, name_field(name_language(language))) or self.name

    @property
    def local_name(self) -> str:
        """The State's name in the active language: the one every page, list and report shows."""
        return self.name_in(get_language())

    def names(self) -> dict[str, str]:
        """The name in each of the six languages, English where none is known."""
        return {language: self.name_in(language) for language in NameLanguage.values}


class MemberStateNameChange(models.Model):
    """A correction of a State's name in one language: who, when, from what, to what."""

    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="name_changes",
        verbose_name=_("Member State"),
    )
    language = models.CharField(_("language"), max_length=2, choices=NameLanguage.choices)
    before = models.CharField(_("before"), max_length=100, blank=True)
    after = models.CharField(_("after"), max_length=100)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Kept as text: the record outlives the account.
    changed_by_name = models.CharField(_("by (name)"), max_length=300, blank=True)
    changed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("correction of a Member State's name")
        verbose_name_plural = _("corrections of Member States' names")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=NameLanguage.values),
                name="member_state_name_change_language_valid",
            ),
        ]

    def __str__(self):
        return f"{self.member_state} ({self.language}): {self.before} → {self.after}"


class MemberRole(models.TextChoices):
    EDITOR = "editor", _("Editor")
    FOCAL_POINT = "focal_point", _("Focal point")


class Member(models.Model):
    """A user's place in one Member State's delegation: a member, as editor or focal point."""

    Role = MemberRole

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="delegation_member",
        verbose_name=_("user"),
    )
    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("Member State"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EDITOR)

    class Meta:
        ordering = ["member_state__name", "user__username"]
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=MemberRole.values),
                name="delegation_member_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.member_state}, {self.get_role_display()})"

    @property
    def may_submit(self) -> bool:
        return self.role == self.Role.FOCAL_POINT


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Neither accepted nor revoked, and not expired yet."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class Invitation(models.Model):
    """An e-mailed, one-time, expiring link to create an account in a State's delegation.

    The link's token is an HMAC of `token_nonce` under the site's SECRET_KEY, so that
    the worker that e-mails it (again, after a refusal) can make it; only its SHA-256
    is stored for the lookup: a copy of the database holds no link that still works.
    """

    email = models.EmailField(_("e-mail address"))
    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("Member State"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Member.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Blank for invitations made before links were derived (their e-mail has left).
    token_nonce = models.CharField(max_length=32, blank=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account created"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # The invitation's e-mail, written in the inviter's language, sent by a worker.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(_("sending attempts"), default=0)
    send_error = models.TextField(_("delivery error"), blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Member.Role.values),
                name="invitation_role_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.member_state}, {self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return _("accepted")
        if self.revoked_at:
            return _("revoked")
        if self.expires_at <= timezone.now():
            return _("expired")
        return _("pending")

    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class MemberChangeAction(models.TextChoices):
    INVITED = "invited", _("Invited")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    UNUSABLE_LINK_OPENED = "unusable_link_opened", _("Expired or used link opened")
    MEMBER_REMOVED = "member_removed", _("Member removed")
    FOCAL_POINT_HANDED_OVER = "focal_point_handed_over", _("Focal point role handed over")
    MEMBER_ADDED = "member_added", _("Member added by the secretariat")
    MEMBER_CHANGED = "member_changed", _("Membership changed by the secretariat")


class MemberChange(models.Model):
    """One change to a delegation's members: who did what, to whom, and when."""

    Action = MemberChangeAction

    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="member_changes",
        verbose_name=_("Member State"),
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    # Empty when nobody was signed in (a link opened by whoever holds it).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Names kept as text: the record outlives the account or the invitation.
    actor_name = models.CharField(_("by (name)"), max_length=300, blank=True)
    subject = models.CharField(_("concerning"), max_length=300)
    role = models.CharField(_("role"), max_length=20, choices=Member.Role.choices, blank=True)
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("invitation"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delegation membership change")
        verbose_name_plural = _("delegation membership changes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=MemberChangeAction.values),
                name="member_change_action_valid",
            ),
        ]

    def __str__(self):
        return f"{self.member_state}: {self.get_action_display()} ({self.subject})"
