# idv-gateway container image: docs/deploy.md. Built with the same steps as `make install`:
# npm ci in web/graphiql + scripts/build_graphiql.py (GraphiQL's files, served offline),
# then the Python package with every dependency pinned by requirements.lock.

# 1. GraphiQL's browser files from the npm packages pinned in web/graphiql.
FROM node:20-bookworm-slim AS graphiql
WORKDIR /src/web/graphiql
COPY web/graphiql/package.json web/graphiql/package-lock.json web/graphiql/.npmrc ./
RUN npm ci --no-audit --no-fund --loglevel=error

# 2. The Python package (non-editable) in a virtual environment.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY --from=graphiql /src/web/graphiql/node_modules web/graphiql/node_modules
COPY pyproject.toml requirements.lock README.md LICENSE ./
COPY scripts/build_graphiql.py scripts/
COPY src src
RUN python3 scripts/build_graphiql.py \
    && python3 -m venv /opt/idv-gateway \
    && /opt/idv-gateway/bin/pip install --constraint requirements.lock .

# 3. The runtime: no compilers, no npm, no sources; a user without a shell or a home.
FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin idv
COPY --from=build /opt/idv-gateway /opt/idv-gateway
ENV PATH=/opt/idv-gateway/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER 10001:10001
EXPOSE 8000
# Liveness only: /readyz also probes the providers, which is the orchestrator's business.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python3", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
ENTRYPOINT ["idv-gateway"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
