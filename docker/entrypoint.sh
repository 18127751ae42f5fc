#!/bin/sh
# Bring the database schema, cache table and static files up to date, then run the command.
set -eu
python manage.py migrate --no-input
# The cache table holds the rate-limit counts that every worker shares.
python manage.py createcachetable
python manage.py collectstatic --no-input --verbosity 0
python manage.py load_reference_data
exec "$@"
