from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import DelegationMember, DelegationRole, MemberState

DEMO_PASSWORD = "r2p-demo-2025"  # noqa: S105 (documented local demo password)
DEMO_STATE_ISO3 = "NOR"
DEMO_ACCOUNTS = [
    # username, first name, last name, delegation role (None: secretariat)
    ("secretariat", "Sam", "Secretariat", None),
    ("norway.focal", "Nora", "Focal Point", DelegationRole.FOCAL_POINT),
    ("norway.editor", "Erik", "Editor", DelegationRole.EDITOR),
]


class Command(BaseCommand):
    help = "Create the demo accounts for a local run (refused in production)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(_("Demo accounts are never created in production mode."))
        try:
            state = MemberState.objects.get(iso3=DEMO_STATE_ISO3)
        except MemberState.DoesNotExist:
            raise CommandError(
                _("Load the Member States first: manage.py loaddata member_states")
            ) from None
        with transaction.atomic():
            for username, first_name, last_name, role in DEMO_ACCOUNTS:
                self._create(username, first_name, last_name, role, state)
        self.stdout.write(
            _("Demo accounts ready (password %(password)s): %(usernames)s")
            % {
                "password": DEMO_PASSWORD,
                "usernames": ", ".join(username for username, *_rest in DEMO_ACCOUNTS),
            }
        )

    def _create(self, username, first_name, last_name, role, state):
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        if role is None:
            user.is_staff = True
            user.save()
            user.groups.add(Group.objects.get(name="Secretariat"))
        else:
            user.save()
            DelegationMember.objects.update_or_create(
                user=user, defaults={"member_state": state, "role": role}
            )
