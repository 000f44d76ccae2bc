# Gateway image: the NestJS gateway plus the built web app, run as the unprivileged `node` user.
# NODE_IMAGE: any Node 20 image on Debian with a `node` user (scripts/ci/build-base-images.sh
# makes one from Debian's packages where no registry can be reached).
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:gateway && npm run build:web

# The build stage with every dev tool: `npm run users` and `npm run agent-acl` (see README).
FROM build AS tools

FROM build AS prune
RUN npm prune --omit=dev

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 WEB_DIST=/app/dist/apps/web/browser
WORKDIR /app
COPY --from=prune --chown=node:node /src/node_modules ./node_modules
COPY --from=prune --chown=node:node /src/dist ./dist
COPY --from=prune --chown=node:node /src/package.json ./
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=10s --start-period=30s CMD node -e "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/gateway/apps/gateway/src/main.js"]
