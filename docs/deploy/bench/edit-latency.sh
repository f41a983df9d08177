#!/usr/bin/env bash
# Edit → served latency of `portal serve` on the shipped site: starts BIN
# serve on a copy of the site, rewrites one news item's title N times and
# times each until the page shows it (polling every 10 ms).
#
#   bash docs/deploy/bench/edit-latency.sh ./portal [PORT] [N]
#
# Pair two binaries in one run (e.g. before and after a change) on a quiet
# machine; the figures move with the machine's load (printed first).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
bin="$(realpath "$1")" port="${2:-18777}" n="${3:-6}"
site="$(mktemp -d "${TMPDIR:-/tmp}/portal-latency.XXXXXX")"
cp -r "$root/content" "$root/data" "$root/portal.toml" "$site/"
"$bin" serve -site "$site" -addr "127.0.0.1:$port" -admin-addr off -refresh 0 >"$site/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$site"' EXIT
for _ in $(seq 1 600); do grep -q "(serving)" "$site/serve.log" && break; sleep 0.2; done
f="$(ls "$site"/content/news/*.md | head -1)"
slug="$(basename "$f" .md)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); page /news/$slug/"
sleep 2
for i in $(seq 1 "$n"); do
  sed -i "0,/^title = .*/s//title = \"延迟测试 $i\"/" "$f"
  s=$(date +%s%N)
  until curl -s "http://127.0.0.1:$port/news/$slug/" | grep -q "延迟测试 $i"; do sleep 0.01; done
  e=$(date +%s%N)
  echo "edit $i: $(( (e - s) / 1000000 )) ms"
  sleep 1
done
