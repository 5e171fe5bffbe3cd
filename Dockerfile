# syntax=docker/dockerfile:1
# Build stage: compiles TypeScript and the native SQLite binding.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY bench ./bench
COPY web ./web
RUN npm run build && npm prune --omit=dev

# Runtime stage: only the compiled app and production dependencies, as a non-root user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=4000 DATABASE_URL=sqlite:/data/hub.sqlite
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
# A larger young generation: GraphQL responses allocate many short-lived objects (see bench/README.md).
CMD ["node", "--max-semi-space-size=64", "dist/src/main.js"]
