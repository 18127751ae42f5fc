#!/bin/sh
# Bring the database schema and static files up to date, then run the command.
set -eu
python manage.py migrate --no-input
python manage.py collectstatic --no-input --verbosity 0
python manage.py load_reference_data
exec "$@"
