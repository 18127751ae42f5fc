from django.core.management.base import BaseCommand
from django.utils import timezone

from ...services.notifications import (
    deadline_reminders,
    emails_send_unsent,
    submitted_notices_prepare_missing,
)


class Command(BaseCommand):
    help = (
        "Remind the States of open cycles that have not submitted (from some days before "
        "the deadline, then once it has passed), and send again every notice that could "
        "not leave (or was never prepared). Run it every few minutes: a reminder or a "
        "notice goes once."
    )

    def handle(self, *args, **options):
        prepared = deadline_reminders(today=timezone.now().date())
        prepared += submitted_notices_prepare_missing()
        sent, failed = emails_send_unsent()
        self.stdout.write(f"reminders prepared {prepared}; sent {sent}; still failing {failed}")
