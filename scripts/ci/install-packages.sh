#!/usr/bin/env bash
# Installs the Debian packages the tests need, only when one is missing (a second run is fast).
# Redis and Docker must not start as system services: tests start their own redis-server,
# start-dockerd.sh starts dockerd.
set -euo pipefail

# docker-compose (v1): validates docker-compose.yml in the tests, without pulling images.
# redis-sentinel: the Sentinel failover tests (libs/testing starts its own Sentinels).
packages=(redis-server redis-sentinel docker.io docker-compose busybox-static chromium)

missing() {
  command -v redis-server >/dev/null || return 0
  command -v redis-sentinel >/dev/null || return 0
  command -v dockerd >/dev/null || return 0
  command -v docker >/dev/null || return 0
  command -v docker-compose >/dev/null || return 0
  command -v chromium >/dev/null || return 0
  # The dynamic busybox package also provides /bin/busybox, but the image has no libc.
  dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' || return 0
  return 1
}

if ! missing; then
  echo "ci: packages present"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

# policy-rc.d exit 101 forbids maintainer scripts to start services.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod +x "$policy"
  own_policy=1
fi
cleanup() { if [ "$own_policy" -eq 1 ]; then "${sudo[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT

echo "ci: installing ${packages[*]}"
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}"
