# Agent image: one per Docker host. It runs as `node`; give it the Docker socket's group (see README).
# NODE_IMAGE: as for the gateway (deploy/gateway.Dockerfile).
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:agent && npm prune --omit=dev

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /src/node_modules ./node_modules
COPY --from=build --chown=node:node /src/dist ./dist
COPY --from=build --chown=node:node /src/package.json ./
USER node
CMD ["node", "dist/apps/docker-agent/apps/docker-agent/src/main.js"]
