#!/usr/bin/env bash
# Paired one-page-edit builds: for each round, append a line to a content file
# and run `portal build` with program A on site A, then with program B on site
# B (each program on its own copy of the site: the caches are keyed by the
# program), printing CPU (user + sys), wall time, peak RSS and the load.
#
#   bash bench/edit-pair.sh A_PORTAL A_SITE B_PORTAL B_SITE [ROUNDS] [NOW]
#
# NOEDIT=1 builds without editing (the nothing-changed case). Warm each site
# up with one build of its program first. docs/BUILD.md has the recipe.
set -euo pipefail
aBin=$1 aSite=$2 bBin=$3 bSite=$4 rounds=${5:-3} now=${6:-2025-07-01}
file=content/news/p000123.md
for round in $(seq 1 "$rounds"); do
  for s in A B; do
    if [ $s = A ]; then bin=$aBin site=$aSite; else bin=$bBin site=$bSite; fi
    [ -z "${NOEDIT:-}" ] && printf '\n\n补充说明%s%s。\n' $s "$round" >> "$site/$file"
    out=$(nice -n 10 /usr/bin/time -v "$bin" build -site "$site" -now "$now" 2>&1)
    u=$(awk -F': ' '/User time/{print $2}' <<<"$out")
    y=$(awk -F': ' '/System time/{print $2}' <<<"$out")
    w=$(awk -F': ' '/Elapsed/{print $2}' <<<"$out")
    r=$(awk -F': ' '/Maximum resident/{print $2}' <<<"$out")
    echo "$s round $round: cpu $(echo "$u + $y" | bc) s (user $u, sys $y), wall $w, peak RSS ${r} KB, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
