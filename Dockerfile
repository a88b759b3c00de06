# syntax=docker/dockerfile:1
# The Homeward application image: one image for the API (default), the worker and the migration job.
#   docker build -t homeward .
#   docker run homeward                         # API on :8000
#   docker run homeward python -m worker        # worker
#   docker run homeward homeward migrate        # migrations
FROM python:3.11-slim

# PYTHONPATH=/app: the code is imported from /app, not from site-packages, because
# core/migrate.py finds alembic.ini (and through it migrations/) next to the core package,
# and the wheel built by `pip install .` does not contain alembic.ini.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 homeward \
    && useradd --system --uid 10001 --gid homeward --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin homeward

# WeasyPrint (the embassy letters) draws with pango; DejaVu covers Latin, Cyrillic, Georgian.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, from pyproject.toml alone: this layer is rebuilt only when they change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the source, and the package itself (its dependencies are already satisfied).
COPY core/ core/
COPY models/ models/
COPY workflows/ workflows/
COPY activities/ activities/
COPY api/ api/
COPY migrations/ migrations/
COPY worker.py alembic.ini ./
# Bytecode compiled once here (nothing writes it at run time: PYTHONDONTWRITEBYTECODE, and
# /app is not the service user's): otherwise the worker's sandbox compiles the case
# workflow's module from source for every workflow run it creates.
RUN pip install . \
    && python -m compileall -q core models workflows activities api worker.py \
    && rm -rf build ./*.egg-info \
    && mkdir -p /app/data \
    && chown homeward:homeward /app/data

# The worker's container healthcheck (see docker-compose.yml).
COPY deploy/worker_healthcheck.py deploy/worker_healthcheck.py

USER homeward

EXPOSE 8000
CMD ["uvicorn", "api.main:app_factory", "--factory", "--host", "0.0.0.0", "--port", "8000"]
