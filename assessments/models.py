from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionalGroup(models.TextChoices):
    AFRICAN = "african", _("African States")
    ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific States")
    EASTERN_EUROPEAN = "eastern_european", _("Eastern European States")
    LATIN_AMERICAN_CARIBBEAN = "latin_american_caribbean", _("Latin American and Caribbean States")
    WESTERN_EUROPEAN_OTHER = "western_european_other", _("Western European and other States")


class DelegationRole(models.TextChoices):
    EDITOR = "editor", _("Editor")
    FOCAL_POINT = "focal_point", _("Focal point")


class MemberStateManager(models.Manager):
    def get_by_natural_key(self, iso3):
        return self.get(iso3=iso3)


class MemberState(models.Model):
    """A UN Member State, named as the UN lists its members."""

    name = models.CharField(_("name"), max_length=100, unique=True)
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
        return self.name

    def natural_key(self):
        return (self.iso3,)


class DelegationMember(models.Model):
    """A user's place in one Member State's delegation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="delegation_membership",
        verbose_name=_("user"),
    )
    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="delegates",
        verbose_name=_("Member State"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=DelegationRole.choices, default=DelegationRole.EDITOR
    )

    class Meta:
        ordering = ["member_state__name", "user__username"]
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=DelegationRole.values),
                name="delegation_member_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.member_state}, {self.get_role_display()})"

    @property
    def may_submit(self) -> bool:
        return self.role == DelegationRole.FOCAL_POINT
