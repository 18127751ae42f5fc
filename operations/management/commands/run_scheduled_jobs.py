from django.core.management.base import BaseCommand, CommandError

from ...scheduled_jobs import JOB_NAMES, scheduled_jobs_run


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs once, one after the other: "
        + ", ".join(JOB_NAMES)
        + ". A failing job is logged and the next one still runs; each run is recorded "
        "for the health check (/healthz/ready). Fails if any job failed."
    )

    def handle(self, *args, **options):
        failed = scheduled_jobs_run()
        if failed:
            raise CommandError(f"Scheduled jobs failed: {', '.join(failed)}.")
        self.stdout.write(f"Scheduled jobs done: {', '.join(JOB_NAMES)}.")
