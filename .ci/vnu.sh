#!/usr/bin/env bash
# Installs the Nu HTML checker the e2e tests run over the whole built site
# (cmd/internal/e2e TestNuHTMLChecker): Debian's Java runtime and the vnu-jar
# npm package at a pinned version. Quiet and idempotent. Without java or the
# jar the test skips.
set -euo pipefail
. "$(dirname "$0")/apt.sh"
. "$(dirname "$0")/npm-tool.sh"
command -v java >/dev/null 2>&1 || apt_install default-jre-headless
command -v npm >/dev/null 2>&1 || apt_install npm
npm_tool vnu-jar 26.9.27
