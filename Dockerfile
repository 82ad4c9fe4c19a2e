# syntax=docker/dockerfile:1
# LaGiftArt's production image: gunicorn serving Django on Cloud Run (see gunicorn.conf.py, docs/performance.md).
#   docker build -t lagiftart .
#   docker run -p 8080:8080 -e SECRET_KEY=... -e ALLOWED_HOSTS=... -e DATABASE_URL=... lagiftart
# Migrations are not run here: they run as a Cloud Run Job (`python manage.py migrate`) with this same image.

FROM python:3.11-slim AS builder

# Every requirement ships a manylinux wheel, so the build needs no compiler and installs no Debian package;
# --only-binary keeps it that way (a dependency without a wheel fails here instead of pulling in build tools).
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check --only-binary=:all: \
        -r /tmp/requirements.txt


FROM python:3.11-slim

ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_ENV=production \
    PORT=8080 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus

RUN groupadd --system --gid 10001 lagiftart \
    && useradd --system --uid 10001 --gid lagiftart --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin lagiftart

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
# Owned by root and read-only to the app user: a compromised process cannot rewrite the code it runs.
COPY . .

# Hashed, compressed static files for whitenoise, and bytecode so a cold start compiles nothing. Production
# settings refuse to load without SECRET_KEY and ALLOWED_HOSTS; these throwaway values exist only in this step
# (collectstatic signs nothing and serves nothing) and are not kept in the image.
RUN SECRET_KEY="build-only-collectstatic-key-not-used-at-run-time-0123456789" \
    ALLOWED_HOSTS="build.invalid" \
    python manage.py collectstatic --noinput --verbosity 0 \
    && python -m compileall -q /app

# Numeric, so a runtime that checks "runs as non-root" can tell without reading /etc/passwd.
USER 10001:10001
EXPOSE 8080

# No HEALTHCHECK: Cloud Run ignores it and probes the container itself (startup and liveness probes on /healthz,
# set on the service; /readyz gates each release in cloudbuild.yaml). Exec form, so gunicorn is PID 1 and
# receives Cloud Run's SIGTERM directly.
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
