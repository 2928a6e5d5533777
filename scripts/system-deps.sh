#!/usr/bin/env bash
# Installs the few Debian packages the test suite uses, only when they are missing.
set -euo pipefail
needed=()
for pkg in $SIGHTSYNC_SYSTEM_PACKAGES; do
  dpkg -s "$pkg" >/dev/null 2>&1 || needed+=("$pkg")
done
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "system-deps: please install: ${needed[*]}" >&2
  exit 1
fi
echo "system-deps: installing ${needed[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
