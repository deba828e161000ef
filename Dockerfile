# syntax=docker/dockerfile:1
# One image for every role (planning subgraph, gateway, worker, the comms example); the command picks the role.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY schema ./schema
COPY src ./src
# The roles run as built JavaScript: no TypeScript loader in the process (tsx's loader thread and caches cost some
# 75 MB of memory per role, and its source maps made every stack trace dearer).
RUN npm run build

FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    PLANNING_PORT=4001 \
    PLANNING_HOST=0.0.0.0
WORKDIR /app
# Code stays owned by root (read-only for the app); only .data, the embedded-defaults directory, is writable.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY schema ./schema
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 4000 4001 4002
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://localhost:' + (process.env.PLANNING_PORT || 4001) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The Node flags of `npm start` (docs/operations.md, Memory): 32 MB semi-spaces and old space grown by half its live
# size, about half the peak memory of Node's defaults for this load. --heap-growing-percent is not allowed in
# NODE_OPTIONS, so the flags are the entrypoint's and a command names only the script and the role.
ENTRYPOINT ["node", "--max-semi-space-size=32", "--heap-growing-percent=50"]
CMD ["dist/main/cli.js", "subgraph"]
