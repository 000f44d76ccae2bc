# Stand-in for node:20-bookworm-slim: Debian plus this machine's Node (binary and npm), and the
# `node` user (uid 1000) the official image has. The build context holds node, npm and the
# machine's own certificate authorities (ca/, maybe empty: a TLS-inspecting proxy's, for npm ci).
ARG DEBIAN_IMAGE=flotilla-base/debian:bookworm
FROM ${DEBIAN_IMAGE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca/ /usr/local/share/ca-certificates/
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN update-ca-certificates \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
CMD ["node"]
