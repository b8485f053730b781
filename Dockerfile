# Production image: gunicorn serving portal.wsgi, static files through WhiteNoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PORTAL_STATE_DIR=/data/state \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production

RUN useradd --create-home --uid 1000 portal
WORKDIR /app

# pg_dump/pg_restore for `manage.py backup` and `restore`, the version of compose's server.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic needs settings to import; these placeholders never serve traffic.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/collectstatic.db EMAIL_URL=consolemail:// \
    python manage.py collectstatic --noinput -v0 \
    && python manage.py compilemessages -v0 2>/dev/null || true

RUN mkdir -p /data/media /data/private /data/state && chown -R portal /data
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
