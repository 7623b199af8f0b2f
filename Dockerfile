# The portal's production image: gunicorn (web), Celery worker and beat all run from it (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A CJK font so PDFs show Chinese instead of boxes, and the libraries weasyprint renders with.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-noto-cjk fontconfig \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      libjpeg62-turbo libopenjp2-7 libffi8 shared-mime-info \
 && fc-cache -f \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
# Dependencies first, so a code change does not reinstall them.
RUN pip install --upgrade pip && pip install .
COPY . .
RUN DEBUG=false SECRET_KEY=build-only-collectstatic python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 --home-dir /app portal \
 && mkdir -p /app/var \
 && chown -R portal /app/var

USER portal
ENV PORTAL_VAR_DIR=/app/var
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
