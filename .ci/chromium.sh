#!/usr/bin/env bash
# Installs what the browser end-to-end tests (cmd/internal/e2e) need: Debian's
# chromium and fonts-noto-cjk (without a CJK font, Chinese renders as boxes in
# screenshots), plus fonts-liberation, the one recommended package taken (the
# others, udev, upower, printing, are not needed headless). Quiet and idempotent: does nothing when both are installed,
# and runs `apt-get update` at most once. Installing needs root; without root
# it says what is missing and exits 1 (the e2e tests skip without chromium).
set -euo pipefail

# shellcheck source=apt.sh
. "$(dirname "$0")/apt.sh"
command -v chromium >/dev/null 2>&1 || apt_install chromium
apt_install fonts-noto-cjk fonts-liberation
command -v chromium >/dev/null 2>&1 || { echo "chromium.sh: chromium is still not on PATH after installing" >&2; exit 1; }
