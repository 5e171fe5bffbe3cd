# syntax=docker/dockerfile:1
# Build stage: compiles TypeScript. On Node 24 the hub loads better-sqlite3 13, which ships prebuilt
# Node-API binaries (src/platform/db/better-sqlite3.ts), so nothing is compiled here; 12, the build for
# Node 20, is an optional dependency that this image never loads (npm ci goes on if it cannot build).
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The same install as .ci/run: the lock records every platform's optional binaries, so plain npm ci accepts it.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
COPY bench ./bench
COPY examples ./examples
COPY web ./web
RUN npm run build && npm prune --omit=dev \
  && node -e "const { betterSqlite3 } = require('./dist/src/platform/db/better-sqlite3.js'); new (betterSqlite3())(':memory:').prepare('select 1').get()"

# Runtime stage: only the compiled app and production dependencies, as a non-root user.
FROM node:24-slim
ENV NODE_ENV=production PORT=4000 DATABASE_URL=sqlite:/data/hub.sqlite
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node scripts ./scripts
# The gateway's bundled demo sources and the hub's subgraph SDL they compose (`node dist/src/gateway/main.js`).
COPY --chown=node:node src/gateway/demo-sources.json ./src/gateway/
COPY --chown=node:node schema/hub.subgraph.graphql ./schema/
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
# A larger young generation: GraphQL responses allocate many short-lived objects (see bench/README.md).
CMD ["node", "--max-semi-space-size=64", "dist/src/main.js"]
