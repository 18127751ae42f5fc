#!/bin/sh
# The scheduled jobs of a cycle (docs/email.md), every JOBS_INTERVAL seconds (five
# minutes by default): deadline reminders and notices that could not leave, invitations
# whose e-mail could not leave, country reports that could not be rendered, finished
# task records older than a week. Each is safe to run as often as this: a reminder or
# a notice is prepared and sent once, and a reminder a missed run did not send goes on
# the next. A failing step is logged and the next one still runs.
set -u
while true; do
    python manage.py send_deadline_reminders || echo "jobs: reminders failed" >&2
    python manage.py send_unsent_invitations || echo "jobs: invitations failed" >&2
    python manage.py render_missing_pdfs || echo "jobs: some country reports are missing" >&2
    python manage.py prune_db_task_results --min-age-days 7 || echo "jobs: pruning failed" >&2
    sleep "${JOBS_INTERVAL:-300}"
done
