# BookIT: one image for web (gunicorn), bot and scheduler; docker-compose.yml picks the command.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: compilemessages turns the committed .po catalogs into .mo at build time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first: this layer is reused until requirements.txt changes.
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN groupadd --system --gid 10001 bookit \
    && useradd --system --uid 10001 --gid bookit --no-create-home --home-dir /app bookit

COPY . .

# Build-time settings only: DEBUG=0 selects the hashed, compressed static storage, and a
# throw-away key satisfies the production refusal. Nothing here reaches the running container.
RUN export DEBUG=0 \
           SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
           ALLOWED_HOSTS=build \
    && python manage.py collectstatic --noinput \
    && if [ -d locale ]; then python manage.py compilemessages; fi \
    && mkdir -p /app/media \
    && chown bookit:bookit /app/media \
    && chmod +x deploy/entrypoint.sh

USER bookit
EXPOSE 8000

# For the default role (web): liveness on /healthz, the same probe as docker-compose.yml's web
# service. bot and scheduler override it with `manage.py healthcheck bot|scheduler`, which reads
# their heartbeat (docker run ... --health-cmd "python manage.py healthcheck scheduler").
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]

ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]
