from django.core.management.base import BaseCommand, CommandError

from ...services.reports import (
    submissions_missing_pdf,
    submissions_queue_missing_pdfs,
    submissions_render_missing_pdfs,
)


class Command(BaseCommand):
    help = (
        "Queue the rendering of every submission's missing country report (a failed or "
        "interrupted rendering, or a lost task) for the worker; with --here, render them "
        "in this process. Run it regularly, e.g. every few minutes from cron: it fails "
        "while some rendering has failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Also retry renderings that failed or started less than two minutes ago.",
        )
        parser.add_argument(
            "--here",
            action="store_true",
            help="Render in this process instead of queuing for the worker.",
        )

    def handle(self, *args, now, here, **options):
        if here:
            outcome = submissions_render_missing_pdfs(retry_now=now)
            failing = outcome.failed
            # Only a failure fails the run: a PDF another worker is rendering is not one.
            self.stdout.write(
                f"rendered {outcome.rendered}, still missing {outcome.missing}, "
                f"last rendering failed {failing}"
            )
        else:
            queued = submissions_queue_missing_pdfs(retry_now=now)
            failing = submissions_missing_pdf().exclude(pdf_error="").count()
            self.stdout.write(f"queued {queued}, last rendering failed {failing}")
        if failing:
            raise CommandError(
                "Some PDFs could not be rendered or stored; the secretariat's submissions list "
                "shows why."
            )
