# The newsroom archive: one image for web, Celery workers and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SEARCH_URL=whoosh:///app/var/whoosh

WORKDIR /app

RUN groupadd --system --gid 10001 newsroom \
    && useradd --system --uid 10001 --gid newsroom --no-log-init \
        --home-dir /app --shell /usr/sbin/nologin newsroom

# Every dependency ships as a wheel (psycopg bundles libpq; the spaCy model is a pip
# package, so it is baked in here and never downloaded at run time). Runtime requirements
# only: the test and development tools are in requirements-dev.txt, left out of the image.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# The code and static files stay root-owned; the app writes only under var/.
RUN SECRET_KEY=build-time-placeholder-never-used-at-run-time \
    python manage.py collectstatic --noinput \
    && mkdir -p var/whoosh var/media \
    && chown newsroom:newsroom var var/whoosh var/media

USER 10001:10001

EXPOSE 8000

CMD ["gunicorn", "newsroom.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-", \
     "--control-socket", "/tmp/gunicorn.ctl"]
