# Production image: gunicorn serving the Django site, WhiteNoise serving static files;
# the same image runs the task worker (`manage.py db_worker`, docker-compose's `worker`).

# The translation catalogues compiled (.mo files are not committed), in a stage of their
# own so that gettext stays out of the image.
FROM debian:bookworm-slim AS messages
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN mkdir -p locale \
    && find locale -name '*.po' -exec sh -c 'msgfmt --check -o "${1%.po}.mo" "$1"' sh {} \;

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

# WeasyPrint's system libraries (Pango, HarfBuzz) and fontconfig. The country report's
# fonts come with the project, as on any machine (static/fonts/README.md): static/fonts
# and Noto Sans CJK from requirements.txt; DejaVu only as fontconfig's default.
# postgresql-client: pg_dump and pg_restore 15, the server's major version, for
# `manage.py backup`, `restore` and `restore_drill` (docs/deployment.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libharfbuzz0b \
        fonts-dejavu-core fontconfig postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system r2p && useradd --system --gid r2p --home-dir /app --shell /usr/sbin/nologin r2p

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=r2p:r2p . .
COPY --from=messages --chown=r2p:r2p /src/locale /app/locale
RUN mkdir -p /app/media /app/staticfiles && chown r2p:r2p /app/media /app/staticfiles

USER r2p
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "r2p_site.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
