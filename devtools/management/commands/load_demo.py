from django.core.management.base import BaseCommand
from django.utils import formats

from devtools.benchmarking import refuse_in_production
from devtools.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Create the demo accounts (with e-mail addresses) and a demo cycle whose deadline "
        "is eight weeks ahead, for a local run; never in production."
    )

    def handle(self, *args, **options):
        refuse_in_production()
        result = demo_load()
        deadline = formats.date_format(result.cycle.deadline, "DATE_FORMAT")
        if result.cycle_created:
            self.stdout.write(f"Demo cycle '{result.cycle}' created, open until {deadline}.")
        elif result.deadline_moved:
            self.stdout.write(f"Demo cycle's deadline had passed: moved to {deadline}.")
        else:
            self.stdout.write(f"Demo cycle open until {deadline}.")
        self.stdout.write(
            f"Demo accounts ready (password {DEMO_PASSWORD}): {', '.join(result.usernames)}. "
            "norway.focal and secretariat set up an authenticator app at their first sign-in."
        )
