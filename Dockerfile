# syntax=docker/dockerfile:1
# One image per role, all from this file:
#   docker build -t shop-supergraph .                           runtime (the last stage, the default)
#   docker build --target migrate -t shop-supergraph-migrate .  migrations (Kubernetes Job, compose setup)
# The runtime image runs compiled JavaScript on production dependencies only; its command picks the
# service: node dist/gateway/main.js, node dist/subgraphs/<name>/main.js.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY codegen.ts tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY platform ./platform
COPY prisma ./prisma
COPY subgraphs ./subgraphs
COPY workers ./workers
COPY gateway ./gateway
COPY clients ./clients
# npm ci's postinstall (`npm run generate`) writes the Prisma clients and resolver types from the
# files above; the build compiles them with the rest into dist/, beside the schemas and supergraph.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
RUN npm run build

# Migrations need the Prisma CLI (a dev dependency) and prisma/ (schemas, migrations, configs):
# the build stage has both. Seeds (compose's setup service) also run here.
FROM build AS migrate
# The seed writes development keys into .dev-secrets (a volume in docker-compose.yml).
RUN mkdir .dev-secrets && chown node:node .dev-secrets
USER node
CMD ["node", "dist/scripts/db-migrate.js"]

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=1
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. --ignore-scripts: the project's postinstall (`npm run generate`)
# needs the dev tools, and dist/ already holds the generated clients. npm still installs the dev
# tools a production package names as optional peers (@prisma/client names the Prisma CLI and
# TypeScript; the lockfile marks them and their dependencies "devOptional"): nothing loads them at
# run time, so they are removed in the same layer.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && node -e "const { rmSync } = require('node:fs'); for (const [dir, entry] of Object.entries(require('./package-lock.json').packages)) if (entry.devOptional) rmSync(dir, { recursive: true, force: true });"
COPY --from=build /app/dist ./dist
# Only development (docker-compose) writes here: production passes its keys in the environment.
RUN mkdir .dev-secrets && chown node:node .dev-secrets
USER node
# Public ports (gateway, users, catalog, inventory), then each one's internal listener (+5000: /metrics, readiness details, JWKS).
EXPOSE 4000 4001 4002 4003 9000 9001 9002 9003 9007
CMD ["node", "dist/gateway/main.js"]
