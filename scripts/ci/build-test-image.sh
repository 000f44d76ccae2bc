#!/usr/bin/env bash
# Builds the test image (default flotilla-test-busybox:latest) unless the engine has it. No
# registry is reachable, so it is imported from a tarball of a root holding Debian's static
# /bin/busybox and a link in /bin for each of its applets.
set -euo pipefail

image="${1:-${FLOTILLA_TEST_IMAGE:-flotilla-test-busybox:latest}}"

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "ci: image $image present"
  exit 0
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs/bin" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
done

echo "ci: importing $image"
tar -C "$rootfs" --owner=0 --group=0 -c . | docker import - "$image" >/dev/null
docker run --rm --network none "$image" sh -c 'echo "ci: $(busybox | head -n 1)"'
