#!/usr/bin/env bash
# Measures what one machine serves through nginx (docs/DEPLOY.md, 容量):
# pages/s (nginx serving the built files, A, against nginx proxying to one
# portal serve, B, alternated A B A B), searches/s (JSON API and the HTML
# page) and complaints/s (stored before the answer), with wrk over TLS and
# nginx configured by docs/deploy/nginx-static.conf and nginx-replicas.conf.
#
#   bash docs/deploy/bench/run.sh                  # SQLite store
#   bash docs/deploy/bench/run.sh postgres://…     # a PostgreSQL store
#
# Settings: BENCH_DURATION (20s), BENCH_CONNECTIONS (32), BENCH_ONLY (pages,
# searches or complaints: that group only). Needs nginx, wrk,
# openssl and go. Everything runs on this machine: wrk's own CPU is part of
# the load, as the proxy's is.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
bench="$root/docs/deploy/bench"
dur="${BENCH_DURATION:-20s}"
conns="${BENCH_CONNECTIONS:-32}"
store="${1:-}"
work="$(mktemp -d "${TMPDIR:-/tmp}/portal-bench.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port_serve=18313 port_proxy=18443 port_proxy80=18080 port_static=18444 port_static80=18081
(cd "$root" && go build -o "$work/portal" ./cmd/portal)
mkdir -p "$work/site"
cp -r "$root/content" "$root/data" "$work/site/"
# One client address (wrk) stands for many citizens here: the per-client
# limit is raised so the store, not the limiter, is measured.
sed -e 's|^\[complaints\]$|[complaints]\nposts_per_minute = 60000000\npost_burst = 1000000|' \
    -e "s|^store = \"\"$|store = \"$store\"|" "$root/portal.toml" >"$work/site/portal.toml"

"$work/portal" serve -production -site "$work/site" -addr 127.0.0.1:$port_serve -admin-addr off \
  -watch=false -refresh 0 >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do grep -q "(serving)" "$work/serve.log" && break; sleep 0.5; done
grep -q "(serving)" "$work/serve.log" || { cat "$work/serve.log"; exit 1; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=xyxx.linyi.gov.cn \
  -keyout "$work/site.key" -out "$work/site.crt" 2>/dev/null

# nginx NAME CONF LISTEN443 LISTEN80 [sed expressions…]: the documented file with
# this machine's ports and paths, in its own nginx.
nginx_run() {
  local name="$1" conf="$2" l443="$3" l80="$4"; shift 4
  local d="$work/$name"; mkdir -p "$d"
  sed -e "s|listen 443 ssl http2;|listen 127.0.0.1:$l443 ssl http2;|" -e "s|listen 80;|listen 127.0.0.1:$l80;|" \
      -e "s|/etc/nginx/tls/xyxx.linyi.gov.cn.crt|$work/site.crt|" -e "s|/etc/nginx/tls/xyxx.linyi.gov.cn.key|$work/site.key|" \
      -e "s|/var/log/nginx/|$d/|" -e "s|127.0.0.1:1313|127.0.0.1:$port_serve|" -e '/127.0.0.1:1323/d' "$@" \
      "$root/docs/deploy/$conf" >"$d/portal.conf"
  cat >"$d/nginx.conf" <<CONF
$( [ "$(id -u)" -eq 0 ] && echo "user root root;" )
daemon off;
worker_processes auto;
pid $d/nginx.pid;
error_log $d/main.error.log;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  sendfile on;
  client_body_temp_path $d/body; proxy_temp_path $d/proxy; fastcgi_temp_path $d/fcgi;
  uwsgi_temp_path $d/uwsgi; scgi_temp_path $d/scgi;
  include $d/portal.conf;
}
CONF
  nginx -t -q -c "$d/nginx.conf"
  nginx -c "$d/nginx.conf" &
  pids+=($!)
}
nginx_run proxy nginx-replicas.conf $port_proxy $port_proxy80
nginx_run static nginx-static.conf $port_static $port_static80 -e "s|/srv/portal/site/public|$work/site/public|"
sleep 1

w() { # w LABEL URL [wrk args…]
  local label="$1" url="$2"; shift 2
  echo "== $label  (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  wrk -t2 -c"$conns" -d"$dur" --latency "$@" "$url" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|Socket errors|complaints:"
}
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); store: ${store:-SQLite}"
only="${BENCH_ONLY:-}"
if [ -z "$only" ] || [ "$only" = pages ]; then
  for round in 1 2; do
    w "pages, nginx serving the built files (A) round $round" "https://127.0.0.1:$port_static" -s "$bench/pages.lua"
    w "pages, nginx → portal serve (B) round $round" "https://127.0.0.1:$port_proxy" -s "$bench/pages.lua"
  done
fi
if [ -z "$only" ] || [ "$only" = searches ]; then
  w "searches, JSON API, nginx → portal serve" "https://127.0.0.1:$port_proxy" -s "$bench/search.lua"
  SEARCH_HTML=1 w "searches, HTML page, nginx → portal serve" "https://127.0.0.1:$port_proxy" -s "$bench/search.lua"
fi
if [ -z "$only" ] || [ "$only" = complaints ]; then
  w "complaints, JSON API, nginx → portal serve" "https://127.0.0.1:$port_proxy" -s "$bench/complaints.lua"
fi
