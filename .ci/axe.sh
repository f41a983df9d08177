#!/usr/bin/env bash
# Installs axe-core, the accessibility rules the browser tests run on the
# site's pages (cmd/internal/e2e TestAccessibility), from its npm package at a
# pinned version, so a new release's new rules never turn a clean tree red.
# Quiet and idempotent; needs node and npm (Debian's npm package: installed
# here when missing and running as root). Without it the axe tests skip.
set -euo pipefail
. "$(dirname "$0")/apt.sh"
. "$(dirname "$0")/npm-tool.sh"
command -v npm >/dev/null 2>&1 || apt_install npm
npm_tool axe-core 4.14.1
