# The Node service images (api-gateway, inventory, billing): one file, one image per APP.
# Build from the repository root (the npm workspace):
#   docker build -f apps/node.Dockerfile --build-arg APP=<app> -t ghcr.io/marquee-shop/<app>:<tag> .
# The images run the TypeScript sources directly with Node 22's type stripping (on by default
# since 22.18): no compile step. Probes are Kubernetes' job: no HEALTHCHECK.
# What differs between the images (heap flags, ports, entry point, migrations) is each
# image's own stage at the end; the last line picks the one APP names (a FROM naming a stage
# through a global ARG: moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go, the
# workaround it names for COPY --from, which does not expand variables).
ARG APP

FROM node:22.21.1-bookworm-slim AS deps
ARG APP
WORKDIR /app
# Every workspace manifest, so npm ci sees the same workspace set as the lockfile.
COPY package.json package-lock.json ./
COPY apps/contract/package.json apps/contract/
COPY apps/kit/package.json apps/kit/
COPY apps/inventory/package.json apps/inventory/
COPY apps/api-gateway/package.json apps/api-gateway/
COPY apps/billing/package.json apps/billing/
COPY apps/web/package.json apps/web/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace "@marquee/$APP" \
 && npm cache clean --force

FROM node:22.21.1-bookworm-slim AS service
ARG APP
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY package.json ./
COPY apps/contract/package.json apps/contract/
COPY apps/contract/src apps/contract/src
COPY apps/kit/package.json apps/kit/
COPY apps/kit/src apps/kit/src
COPY apps/${APP}/package.json apps/${APP}/
COPY apps/${APP}/src apps/${APP}/src
WORKDIR /app/apps/${APP}
# uid 1000 is the image's unprivileged "node" user; files stay root-owned and read-only to it.
USER 1000:1000

# The V8 heap flags of each image: a young-generation semi-space (V8's default is 16 MiB) and a
# 112 MB old-generation cap, so V8 collects garbage before the heap reaches 2-4x its live set
# (~20 MB). node itself (~60 MB: binary, code, malloc), twice the semi-space (young) and 112 MB
# old fit the smallest memory limit (192Mi, profile "small"; test/images.test.ts).
# bench/lib/image-env.ts reads these lines for the benchmarks; docs/benchmarks.md.

FROM service AS api-gateway
# 8 MiB: the young generation stops at 16 MB instead of 32 MB under load.
ENV NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=112"
EXPOSE 3000
CMD ["node", "src/server.ts"]

FROM service AS inventory
ENV NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=112"
# `node src/migrate.ts` (the migration Job) runs from the same image.
COPY apps/inventory/migrations /app/apps/inventory/migrations
EXPOSE 3001
CMD ["node", "src/server.ts"]

# One image, two processes (relative to the WORKDIR /app/apps/billing):
#   node src/api-server.ts     billing-api, port 3002 (the default CMD)
#   node src/worker-server.ts  billing-worker, port 3003 (the worker Deployment sets args)
#   node src/migrate.ts        the migration Job for database `billing`
FROM service AS billing
ENV NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=112"
COPY apps/billing/migrations /app/apps/billing/migrations
EXPOSE 3002 3003
CMD ["node", "src/api-server.ts"]

FROM ${APP}
