#!/usr/bin/env bash
# Installs what the browser end-to-end tests (cmd/internal/e2e) need: Debian's
# chromium and fonts-noto-cjk (without a CJK font, Chinese renders as boxes in
# screenshots), plus fonts-liberation, the one recommended package taken (the
# others, udev, upower, printing, are not needed headless). Quiet and idempotent: does nothing when both are installed,
# and runs `apt-get update` at most once. Installing needs root; without root
# it says what is missing and exits 1 (the e2e tests skip without chromium).
set -euo pipefail

log() { echo "chromium.sh: $*" >&2; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
installed fonts-noto-cjk || missing+=(fonts-noto-cjk)
installed fonts-liberation || missing+=(fonts-liberation)
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  log "missing ${missing[*]}; installing needs root (apt-get install ${missing[*]})"
  exit 1
fi

log "installing ${missing[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
command -v chromium >/dev/null 2>&1 || { log "chromium is still not on PATH after installing"; exit 1; }
