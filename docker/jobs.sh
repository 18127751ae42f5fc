#!/bin/sh
# The scheduled jobs of a cycle (docs/email.md), every JOBS_INTERVAL seconds (five
# minutes by default): deadline reminders and notices that could not leave, invitations
# whose e-mail could not leave, country reports that could not be rendered, finished
# task records older than a week (operations/scheduled_jobs.py). Each is safe to run as
# often as this: a reminder or a notice is prepared and sent once, and a reminder a
# missed run did not send goes on the next. A failing job is logged and the next one
# still runs; each run is recorded, so that /healthz/ready sees when they stop.
set -u
while true; do
    python manage.py run_scheduled_jobs || echo "jobs: some scheduled jobs failed" >&2
    sleep "${JOBS_INTERVAL:-300}"
done
