#!/bin/sh
# The daily job of a cycle, once a day: deadline reminders and notices that could not
# leave (docs/email.md), country reports that could not be rendered, and finished task
# records older than a week. A failing step is logged and the next one still runs.
set -u
while true; do
    python manage.py send_deadline_reminders || echo "daily: reminders failed" >&2
    python manage.py render_missing_pdfs || echo "daily: some country reports are missing" >&2
    python manage.py prune_db_task_results --min-age-days 7 || echo "daily: pruning failed" >&2
    sleep 86400
done
