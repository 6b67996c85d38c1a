# One image for the four services; the command chooses which one runs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv
WORKDIR /app

COPY pyproject.toml uv.lock README.md ./
COPY schemas/pyproject.toml schemas/pyproject.toml
COPY schemas/tsunagu_schemas schemas/tsunagu_schemas
RUN uv sync --frozen --no-dev --no-install-project

COPY tsunagu tsunagu
COPY tsunagu_ops tsunagu_ops
COPY services services
RUN uv sync --frozen --no-dev

ENV PATH="/app/.venv/bin:$PATH" TSUNAGU_ENVIRONMENT=production
USER nobody
CMD ["python", "-m", "services.referrals"]
