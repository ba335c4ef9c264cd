# syntax=docker/dockerfile:1
# Parley: one Dockerfile for the five services. Build from the repository root, naming the service:
#   docker build --build-arg SERVICE=gateway -t parley/gateway:local .
#   (SERVICE = gateway | session | turn-pipeline | asr | evaluator)
#
# Every stage before `stage` ignores SERVICE, so BuildKit builds the workspace once and each service image only
# adds its own staged files (and, for asr, the pocketsphinx packages).
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- manifests: package.json files only, so dependency layers are cached until a manifest changes ----------------
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /out \
 && find . -path ./node_modules -prune -o -name package.json -not -path '*/node_modules/*' -print \
    | xargs -I{} cp --parents {} /out/ \
 && cp package-lock.json /out/ \
 && if [ -f .npmrc ]; then cp .npmrc /out/; fi

# ---- deps: every workspace dependency (dev included: the build needs tsc, prisma, vite) -----------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY --from=manifests /out/ ./
# `npm ci` can fail on registries that do not serve every platform package listed in the lockfile; `npm install`
# from the same lockfile then installs the same versions. No install scripts: the build generates what it needs
# (e.g. the Prisma client) itself, as in local development where npm 11 blocks them.
RUN npm ci --ignore-scripts --no-audit --no-fund || npm install --ignore-scripts --no-audit --no-fund

# ---- build: tsc -b for libs and services, prisma generate, vite build for the web client ----------------------------
FROM deps AS build
COPY . .
RUN npm run build

# ---- prod-deps: runtime dependencies only ---------------------------------------------------------------------------
FROM deps AS prod-deps
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- stage: what this service runs, laid out as in the repository (the gateway also gets the web client) ----------
FROM build AS stage
ARG SERVICE
RUN case "$SERVICE" in \
      gateway|session|turn-pipeline|asr|evaluator) ;; \
      *) echo "build with --build-arg SERVICE=<gateway|session|turn-pipeline|asr|evaluator> (got '$SERVICE')" >&2; exit 1 ;; \
    esac \
 && sh deploy/docker/stage-runtime.sh "$SERVICE" /stage $(if [ "$SERVICE" = gateway ]; then echo --web; fi)

# ---- runtime -----------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE

# asr only: offline transcription with pocketsphinx and the US English model, loaded in-process from
# libpocketsphinx.so.3 (SPEC §6).
RUN if [ "$SERVICE" = asr ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends pocketsphinx pocketsphinx-en-us libpocketsphinx3 \
      && rm -rf /var/lib/apt/lists/*; \
    fi

# The port and drain window (GATEWAY_PORT=8080, SESSION_PORT=8081, TURN_PIPELINE_PORT=8082, ASR_PORT=8083,
# EVALUATOR_PORT=8084; SHUTDOWN_GRACE_MS) default per service in run-service.sh; compose and Kubernetes set them.
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    PARLEY_SERVICE=${SERVICE}
WORKDIR /app
# Files stay owned by root: the service user can read but not modify its code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=stage /stage/ ./
COPY deploy/docker/run-service.sh /usr/local/bin/parley-service
# The image's `node` user, by id so Kubernetes can verify runAsNonRoot.
USER 1000:1000
STOPSIGNAL SIGTERM
CMD ["sh", "/usr/local/bin/parley-service"]
