from django.core.management.base import BaseCommand, CommandError

from assessments.services import submissions_render_missing_pdfs


class Command(BaseCommand):
    help = (
        "Render the country report of every submission that lacks it (a failed or "
        "interrupted rendering). Run it regularly, e.g. every few minutes from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Also retry renderings that failed or started less than two minutes ago.",
        )

    def handle(self, *args, now, **options):
        rendered, missing = submissions_render_missing_pdfs(retry_now=now)
        self.stdout.write(f"rendered {rendered}, still missing {missing}")
        if missing:
            raise CommandError(
                "Some PDFs could not be rendered; the secretariat's submissions list shows why."
            )
