# Production image: the app, compiled translations and collected static files.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=kaa.settings
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . \
    && django-admin compilemessages --ignore=.venv \
    && SECRET_KEY=collectstatic-only-not-used-at-runtime-xxxxxxxxxxxxxxxx \
       python manage.py collectstatic --noinput
RUN useradd --system --home /app kaa && mkdir -p /app/media && chown kaa /app/media
USER kaa

EXPOSE 8000
# gunicorn.conf.py (read from /app) keeps the workers' metrics here and empties it at start.
ENV PROMETHEUS_MULTIPROC_DIR=/tmp/kaa-metrics
CMD ["gunicorn", "kaa.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--timeout", "60"]
