#!/usr/bin/env bash
# Sourced by .ci/axe.sh and .ci/vnu.sh: npm_tool PKG VERSION installs one npm
# package at a pinned version into the shared tools folder the browser tests
# look in (cmd/internal/e2e: toolsDir), quietly (npm's log is printed only on
# failure) and only when that version is not there yet.
#
# The folder is $PORTAL_CI_TOOLS, else ${XDG_CACHE_HOME:-$HOME/.cache}/portal-ci:
# outside the repository, so every worktree and CI run on a machine shares one
# install, and nothing lands in git.

portal_ci_tools() { echo "${PORTAL_CI_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/portal-ci}"; }

npm_tool() {
  local pkg=$1 version=$2 dir have
  dir=$(portal_ci_tools)
  have=$(node -p "require('$dir/node_modules/$pkg/package.json').version" 2>/dev/null || true)
  [ "$have" = "$version" ] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm-tool.sh: npm is not installed, cannot install $pkg (apt-get install npm)" >&2
    return 1
  fi
  echo "npm-tool.sh: installing $pkg@$version from npm into $dir" >&2
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"private":true}' >"$dir/package.json"
  local log="${TMPDIR:-/tmp}/portal-npm-$pkg.log"
  if ! npm install --prefix "$dir" --no-audit --no-fund --loglevel=error --save-exact "$pkg@$version" >"$log" 2>&1; then
    echo "npm-tool.sh: npm install $pkg@$version failed:" >&2; tail -n 20 "$log" >&2; return 1
  fi
}
