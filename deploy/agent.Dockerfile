# Agent image: one per Docker host. The agent is one bundled file (npm run build:agent), so the
# image holds Node and that file, no node_modules. It runs as `node`; give it the Docker socket's
# group (see README). NODE_IMAGE: as for the gateway (deploy/gateway.Dockerfile).
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:agent

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /src/dist/apps/docker-agent/main.js ./agent.js
USER node
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD ["node", "agent.js", "--healthcheck"]
# The flags of `npm run start:agent`: a small young generation and one V8 worker thread
# (docs/benchmarks.md, "The lean agent").
CMD ["node", "--max-semi-space-size=1", "--v8-pool-size=1", "agent.js"]
