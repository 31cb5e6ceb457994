# syntax=docker/dockerfile:1
# Zoco API image (README "Several instances"): `zoco serve` by default, `zoco worker` / `zoco migrate` as the command.
# Production needs DATABASE_URL (the embedded PostgreSQL is a development dependency), ZOCO_JWT_SECRET and ZOCO_ADMIN_KEY.
ARG NODE_VERSION=22

# 1. Build: every dependency, compile TypeScript to dist/ with swc.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json .swcrc ./
COPY src ./src
COPY migrations ./migrations
COPY plugins ./plugins
COPY bench ./bench
COPY ormconfig.ts ./
RUN npm run build --silent

# 2. Production dependencies only (no embedded PostgreSQL, no compilers, no test tools).
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: the compiled app and its production dependencies, run as the unprivileged `node` user.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=4000 HOST=0.0.0.0 ZOCO_DATA_DIR=/var/lib/zoco
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
RUN mkdir -p /var/lib/zoco && chown node:node /var/lib/zoco
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The server's Node.js flags: src/node-flags.ts.
ENTRYPOINT ["node", "--max-semi-space-size=64", "dist/src/main.js"]
CMD ["serve"]
