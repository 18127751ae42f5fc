from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessments.models import Cycle
from catalogue.models import Report
from catalogue.themes import themes_load_missing
from delegations.models import MemberState
from delegations.services import state_names_fill_missing

# Each fixture is loaded only into an empty table, so that the secretariat's later
# edits in the admin (a corrected title, a 2025 report) survive a restart.
REFERENCE_FIXTURES = [
    ("catalogue", Report),
    ("member_states", MemberState),
    ("cycles", Cycle),
]


class Command(BaseCommand):
    help = (
        "Load the catalogue, the Member States and the first cycle into an empty database, "
        "and the State names and themes the database does not have yet."
    )

    def handle(self, *args, **options):
        for fixture, model in REFERENCE_FIXTURES:
            if model.objects.exists():
                self.stdout.write(
                    _("%(fixture)s: already loaded, left as it is.") % {"fixture": fixture}
                )
            else:
                call_command("loaddata", fixture, verbosity=options["verbosity"])
        # The fixture holds the UN's English names; the other five come from the CLDR,
        # only where a State has none yet (a correction in the admin stays).
        self.stdout.write(
            _("Member State names: %(filled)s filled from the CLDR.")
            % {"filled": state_names_fill_missing()}
        )
        # Themes are curated further in the admin: only those missing are added.
        result = themes_load_missing()
        self.stdout.write(
            _("themes: %(created)s added, %(kept)s already there and left as they are.")
            % {"created": len(result.created), "kept": len(result.kept)}
        )
