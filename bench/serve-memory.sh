#!/usr/bin/env bash
# serve-memory.sh: the memory `portal serve` holds after a query load.
# It serves a site that `portal build` has built (-no-build: no build worker),
# sends ROUNDS rounds of the corpus's queries (gencorpus's queries.tsv: credit
# codes, 文号, company names, terms), each also with page=2 and kind=news, to
# /api/search and /search/, then prints the server's resident memory (VmRSS)
# and its peak (VmHWM), and how much of it is the heap (RssAnon) and how
# much the index files mapped into memory (RssFile on a disk, RssShmem on
# tmpfs: pages the kernel can drop or share, counted only once touched).
#
#   bash bench/serve-memory.sh /tmp/portal /dev/shm/c50k 5
set -euo pipefail
portal=$1 site=$2 rounds=${3:-5}
port=$(( 20000 + RANDOM % 20000 ))
"$portal" serve -no-build -site "$site" -addr 127.0.0.1:$port -admin-addr off >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
mem() { grep -E '^(VmRSS|VmHWM|RssAnon|RssFile|RssShmem)' /proc/$pid/status | tr -s ' \t' ' ' | tr '\n' ' '; echo; }
echo "started: $(mem)"
n=0 start=$(date +%s.%N)
for _ in $(seq "$rounds"); do
  while IFS=$'\t' read -r q _; do
    [ "$q" = query ] && continue
    enc=$(printf '%s' "$q" | jq -sRr @uri)
    for path in "/api/search?q=$enc" "/api/search?q=$enc&page=2" "/api/search?q=$enc&kind=news" "/search/?q=$enc"; do
      curl -fs -o /dev/null "http://127.0.0.1:$port$path" || true
      n=$((n + 1))
    done
  done < "$site/queries.tsv"
done
echo "after $n requests in $(echo "$(date +%s.%N) - $start" | bc) s: $(mem)"
