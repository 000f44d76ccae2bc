#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`: starts dockerd (no bridge, no iptables:
# test containers need no network) unless one already runs. Processes of earlier runs may have
# been killed without warning, leaving pid files behind; those are removed.
#
# FLOTILLA_DOCKERD_ROOT=DIR runs the engine from DIR (socket, data, exec root, pid file) instead
# of the system paths, for machines whose own engine must be left alone; callers then need
# DOCKER_HOST=unix://DIR/docker.sock (.ci/run exports it).
set -euo pipefail

log_dir="${FLOTILLA_CI_DIR:-/tmp/flotilla-ci}"
log="$log_dir/dockerd.log"
timeout_s="${FLOTILLA_DOCKERD_TIMEOUT:-60}"
mkdir -p "$log_dir"

args=(--bridge=none --iptables=false --ip-forward=false --ip-masq=false)
pidfile=/var/run/docker.pid
exec_root=/var/run/docker
if [ -n "${FLOTILLA_DOCKERD_ROOT:-}" ]; then
  r="$FLOTILLA_DOCKERD_ROOT"
  mkdir -p "$r"
  pidfile="$r/docker.pid"
  exec_root="$r/exec"
  export DOCKER_HOST="unix://$r/docker.sock"
  args+=(-H "$DOCKER_HOST" --data-root "$r/data" --exec-root "$exec_root" --pidfile "$pidfile")
fi

if docker info >/dev/null 2>&1; then
  echo "ci: docker engine already answers"
  exit 0
fi

# Is $1 a live process (a zombie is dead), optionally with command name $2?
alive() {
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] && ! grep -q ') Z' "/proc/$1/stat" || return 1
  [ -z "${2:-}" ] || [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}
pid_in() { cat "$1" 2>/dev/null || true; }

if alive "$(pid_in "$pidfile")" dockerd; then
  echo "ci: dockerd $(pid_in "$pidfile") runs but does not answer yet; waiting for it"
else
  if [ -e "$pidfile" ]; then
    echo "ci: removing stale $pidfile (pid $(pid_in "$pidfile") is no running dockerd)"
    rm -f "$pidfile"
  fi
  # dockerd adopts whatever process its containerd pid file names, even a zombie or an
  # unrelated process that reused the pid, then times out waiting for it.
  containerd_pidfile="$exec_root/containerd/containerd.pid"
  if [ -e "$containerd_pidfile" ] && ! alive "$(pid_in "$containerd_pidfile")" containerd; then
    rm -f "$containerd_pidfile"
  fi
  echo "ci: starting dockerd (log: $log)"
  setsid dockerd "${args[@]}" >>"$log" 2>&1 </dev/null &
  dockerd_pid=$!
fi

deadline=$((SECONDS + timeout_s))
until docker info >/dev/null 2>&1; do
  if [ -n "${dockerd_pid:-}" ] && ! alive "$dockerd_pid"; then
    echo "ci: dockerd exited before answering; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "ci: docker engine did not answer 'docker info' within ${timeout_s}s; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "ci: docker engine answers"
