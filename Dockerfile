# Production image: KAA installed from its own pyproject.toml, compiled translations and
# collected static files, run as an unprivileged user. The same image runs web (the default
# command), the workers, beat and the migrations (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=kaa.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

# gettext compiles the translations; Pango and a font are what WeasyPrint draws PDFs with.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# A fixed, unprivileged uid (10001), so that volumes and an orchestrator's "run as non-root"
# can name it; it owns only what KAA writes (media, var).
RUN groupadd --system --gid 10001 kaa \
    && useradd --system --uid 10001 --gid kaa --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin kaa

WORKDIR /app
# .dockerignore keeps .env, secrets/, .venv and var/ out of the image.
COPY . .
# Only the project's own files: the dependencies pinned in pyproject.toml, then the translations
# (django-admin needs no settings for this) and the static files (a throwaway key: settings
# refuse to load without one, and nothing is signed at build time).
RUN pip install . \
    && django-admin compilemessages --ignore=.venv --verbosity 0 \
    && SECRET_KEY=collectstatic-only-not-used-at-runtime-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \
       python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/media /app/var \
    && chown kaa:kaa /app/media /app/var

USER 10001:10001

EXPOSE 8000
# /healthz answers 200 while the database answers (deploy/healthcheck.py, which imports no
# Django: cheap every 30 s).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]
# gunicorn.conf.py (read from /app) keeps the workers' metrics here and empties it at start.
ENV PROMETHEUS_MULTIPROC_DIR=/tmp/kaa-metrics
CMD ["gunicorn", "kaa.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--timeout", "60", "--no-control-socket"]
