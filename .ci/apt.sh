#!/usr/bin/env bash
# Sourced by the .ci scripts: apt_install PKG… installs Debian packages that
# are missing, quietly (the output goes to a log that is printed only when the
# install fails) and with at most one `apt-get update` per machine boot.
# Installing needs root; without it, apt_install says what is missing and
# returns 1.

apt_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

apt_install() {
  local missing=() p
  for p in "$@"; do apt_installed "$p" || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "apt.sh: missing ${missing[*]}; installing needs root (apt-get install ${missing[*]})" >&2
    return 1
  fi
  echo "apt.sh: installing ${missing[*]} from Debian's packages" >&2
  local log="${TMPDIR:-/tmp}/portal-apt.log"
  export DEBIAN_FRONTEND=noninteractive
  local stamp="${TMPDIR:-/tmp}/portal-apt-updated"
  if [ ! -f "$stamp" ]; then
    if ! apt-get update -qq >"$log" 2>&1; then
      echo "apt.sh: apt-get update failed:" >&2; tail -n 20 "$log" >&2; return 1
    fi
    touch "$stamp"
  fi
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    echo "apt.sh: apt-get install ${missing[*]} failed:" >&2; tail -n 20 "$log" >&2; return 1
  fi
}
