# North West SEND Placements: one image for web (gunicorn), worker and beat (Celery).
#
#   docker compose build && docker compose up -d
#
# Stage 1 builds the GOV.UK Frontend bundle (static/vendor/govuk/) with the pinned npm packages;
# stage 2 is the Python runtime with WeasyPrint's system libraries.

FROM node:22-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ frontend/
RUN mkdir -p static && npm run build


FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The code runs from /app (templates, static and manage.py live beside the packages), so /app
    # is on the path; the dependencies come from the hashed lock, the project is not pip-installed.
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=fps_portal.settings.production \
    FPS_VAR_DIR=/var/lib/placements \
    DJANGO_STATIC_ROOT=/app/staticfiles

# WeasyPrint renders PDFs (agreements, orders) with Pango and HarfBuzz; the Liberation fonts are
# metric-compatible with Arial, the font the service uses on screen.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
      fonts-liberation shared-mime-info \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system placements \
 && useradd --system --gid placements --home-dir /app --shell /usr/sbin/nologin placements

WORKDIR /app
# Every dependency, direct and transitive, at its locked version and checked against its hash
# (`make lock` writes the file). Installed before the code is copied, so a code change reuses
# this layer and only a changed lock reinstalls.
COPY requirements/lock.txt requirements/lock.txt
RUN pip install --require-hashes -r requirements/lock.txt

COPY fps_portal/ fps_portal/
COPY providers/ providers/
COPY referrals/ referrals/
COPY contracts/ contracts/
COPY quality/ quality/
COPY manage.py gunicorn.conf.py ./
COPY templates/ templates/
COPY static/ static/
COPY --from=frontend /build/static/vendor/ static/vendor/

# Static files are collected into the image (whitenoise serves them, hashed and compressed).
# Production settings refuse to load without a secret and hosts, so give throwaway ones here;
# the real values come from the environment at run time.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --no-input -v 0

# Uploaded evidence (private) and beat's schedule live on the volumes docker-compose.yml mounts
# here; a fresh named volume takes its owner from these directories.
RUN mkdir -p /var/lib/placements/private /var/lib/placements/beat \
 && chown -R placements:placements /var/lib/placements

USER placements
EXPOSE 8000
# gunicorn.conf.py holds every gunicorn setting (bind, workers, timeouts, logs); so does compose.
CMD ["gunicorn", "--config=gunicorn.conf.py", "fps_portal.wsgi:application"]
