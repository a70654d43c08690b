# One image for every service; the command picks which one runs (see docker-compose.yml).
# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY codegen.ts supergraph.yaml tsconfig.json ./
COPY scripts ./scripts
COPY platform ./platform
COPY prisma ./prisma
COPY subgraphs ./subgraphs
COPY gateway ./gateway
# postinstall generates the Prisma clients and resolver types from the files copied above.
RUN npm ci --no-audit --no-fund && npm run compose

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
RUN npm prune --omit=dev --no-audit --no-fund || true
USER node
EXPOSE 4000 4001 4002
# Overridden per service, e.g. ["node", "--import", "tsx", "subgraphs/users/main.ts"].
CMD ["node", "--import", "tsx", "gateway/main.ts"]
