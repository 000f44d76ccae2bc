#!/usr/bin/env bash
# Makes the base images docker-compose.yml builds on (node, redis, nginx) when the engine cannot
# pull from a registry: a Debian root file system from Debian's packages (mmdebstrap), imported,
# then three small images on it (deploy/base/*.Dockerfile; this machine's Node is copied in).
# Images present in the engine are kept; the root file system tarball is cached in
# $FLOTILLA_BASE_CACHE, so only a machine's first run downloads it.
#
# Prints the variables docker-compose.yml reads, for `eval "$(bash scripts/ci/build-base-images.sh)"`;
# progress goes to stderr.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
suite=bookworm
mirror="${FLOTILLA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${FLOTILLA_BASE_CACHE:-/var/cache/flotilla}"
debian_image="flotilla-base/debian:$suite"
node_image="flotilla-base/node:$(node -p 'process.versions.node.split(".")[0]')"
redis_image="flotilla-base/redis:$suite"
nginx_image="flotilla-base/nginx:$suite"

log() { echo "ci: $*" >&2; }
present() { docker image inspect "$1" >/dev/null 2>&1; }

if ! present "$debian_image"; then
  tarball="$cache/debian-$suite.tar"
  # A file: mmdebstrap writes a directory instead when it cannot tell the format (see --format).
  if [ ! -f "$tarball" ] || [ ! -s "$tarball" ]; then
    command -v mmdebstrap >/dev/null || {
      log "installing mmdebstrap"
      apt-get install -y --no-install-recommends mmdebstrap >&2 ||
        { apt-get update >&2 && apt-get install -y --no-install-recommends mmdebstrap >&2; }
    }
    mkdir -p "$cache"
    rm -rf "$tarball" "$tarball.partial"
    log "building a Debian $suite root file system (mmdebstrap; a few minutes, once per machine)"
    mmdebstrap --variant=minbase --format=tar --include=ca-certificates,libstdc++6 \
      --aptopt='Acquire::Retries "3"' \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' \
      "$suite" "$tarball.partial" "$mirror" >&2
    mv "$tarball.partial" "$tarball"
  fi
  log "importing $debian_image"
  docker import --change 'CMD ["bash"]' "$tarball" "$debian_image" >/dev/null
fi

if ! present "$node_image"; then
  context="$(mktemp -d)"
  trap 'rm -rf "$context"' EXIT
  node_bin="$(readlink -f "$(command -v node)")"
  npm_dir="$(dirname "$(readlink -f "$(command -v npm)")")/.."
  cp "$node_bin" "$context/node"
  cp -r "$npm_dir" "$context/npm"
  mkdir "$context/ca"
  # Certificate authorities this machine adds to Debian's (a TLS-inspecting proxy's): npm ci in
  # the image builds reaches the registry the way this machine does.
  cp /usr/local/share/ca-certificates/*.crt "$context/ca/" 2>/dev/null || true
  cp "$root/deploy/base/node.Dockerfile" "$context/Dockerfile"
  log "building $node_image (Node $(node --version) of this machine)"
  docker build -q --build-arg DEBIAN_IMAGE="$debian_image" -t "$node_image" "$context" >&2
fi

for pair in "redis:$redis_image" "nginx:$nginx_image"; do
  name="${pair%%:*}" image="${pair#*:}"
  if ! present "$image"; then
    log "building $image (Debian's $name)"
    # Host network: builds need Debian's mirror, and this engine runs with --bridge=none.
    docker build -q --network host --build-arg DEBIAN_IMAGE="$debian_image" -t "$image" \
      -f "$root/deploy/base/$name.Dockerfile" "$root/deploy/base" >&2
  fi
done

echo "export FLOTILLA_NODE_IMAGE=$node_image FLOTILLA_REDIS_IMAGE=$redis_image FLOTILLA_NGINX_IMAGE=$nginx_image"
