#!/usr/bin/env bash
# index-readers.sh: old search indexes are removed once no reader uses them.
# It starts `portal serve` (which builds) and a second `portal serve
# -no-build` on the same site (another process reading the index), edits a
# page three times, and after each edit lists the index folders and which
# ones the two servers hold open (their readers lock files). Expect the old
# folder to stay while a server still holds it and to be gone within about a
# second of the last one switching.
#
#   bash bench/index-readers.sh /tmp/portal SITE-COPY   (a copy: it edits a page)
set -u
bin=$1 site=$2
page=$(ls "$site"/content/news/*.md | grep -v _index | head -1)
p1=$(( 20000 + RANDOM % 20000 )) p2=$(( p1 + 2 ))
idx() { ls -d "$site"/.portal/search/index-* 2>/dev/null | xargs -n1 basename | tr '\n' ' '; echo "(current: $(cat "$site"/.portal/search/CURRENT 2>/dev/null))"; }
held() { ls -l /proc/$s1/fd /proc/$s2/fd 2>/dev/null | grep -o 'index-[0-9]*/readers' | sort | uniq -c | tr -s ' \n' ' '; }
"$bin" serve -site "$site" -addr 127.0.0.1:$p1 -admin-addr off >/dev/null 2>&1 & s1=$!
trap 'kill $s1 $s2 2>/dev/null || true' EXIT
for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$p1/" && break; sleep 0.5; done
echo "first build: $(idx)"
"$bin" serve -no-build -site "$site" -addr 127.0.0.1:$p2 -admin-addr off >/dev/null 2>&1 & s2=$!
for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$p2/" && break; sleep 0.5; done
words=(子丑寅 卯辰巳 午未申)
for i in 0 1 2; do
  w=${words[$i]}
  printf '\n\n补充说明，词语%s。\n' "$w" >> "$page"
  enc=$(printf '%s' "$w" | jq -sRr @uri)
  for _ in $(seq 600); do curl -fs "http://127.0.0.1:$p1/api/search?q=$enc" | grep -q "$(basename "$page" .md)" && break; sleep 0.5; done
  echo "edit $((i + 1)) searchable on serve: $(idx); held: $(held)"
  sleep 3
  echo "  3 s later: $(idx); held: $(held)"
done
kill $s2; wait $s2 2>/dev/null
echo "-no-build stopped: $(idx)"
kill $s1; wait $s1 2>/dev/null
echo "serve stopped: $(idx)"
