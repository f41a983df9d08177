#!/usr/bin/env bash
# ledger-cost.sh: what the publication log costs (issue 13, item 8), with
# whole commands under /usr/bin/time -v (CPU user+sys, wall, peak RSS) and
# the load average before and after each run.
#
#   pair:   portal publish (append one round of 10,000 changes, sign, build)
#           against portal build of the same published site without its
#           .portal caches (the same output), interleaved A B A B, under
#           nice -n 10 (each takes minutes on a shared machine)
#   size:   the published log's size (data/ledger)
#   verify: portal verify -site without a state file, twice; then with
#           -follow: a first run (nothing remembered) and two daily reruns
#   nightly: the first portal verify -site -follow after a nightly rebuild
#           with the next day's date (the output built once, not timed, in
#           OUT/nightly; the state file from a run on the published output),
#           then a rerun
#
# SITE is a site written by TestWriteLedgerSite with PORTAL_LEDGER_PENDING=1
# (its last round written but not published; the key is SITE.key). WORK
# holds the copies (on disk), OUT the built sites (e.g. under /dev/shm).
#
#   PORTAL_LEDGER_SITE=/tmp/led10k PORTAL_GEN_PAGES=10000 PORTAL_LEDGER_PENDING=1 \
#     go test ./generator/ -run TestWriteLedgerSite -timeout 40m
#   go build -o /tmp/portal ./cmd/portal
#   bash bench/ledger-cost.sh /tmp/portal /tmp/led10k /tmp/ledcost /dev/shm/ledcost [pair size verify nightly]
set -euo pipefail
portal=$1 site=$2 work=$3 out=$4
shift 4
steps=${*:-pair size verify nightly}
now=2025-03-20
key=$site.key
mkdir -p "$work" "$out"

load() { cut -d' ' -f1-3 /proc/loadavg; }
timed() { # name, command...
	local name=$1
	shift
	echo "== $name  $(date -u +%T)  load $(load)"
	/usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.err" || echo "   exit $?"
	echo "   end $(date -u +%T)  load $(load)"
	awk -F': ' '/User time/{u=$2} /System time/{s=$2} /Elapsed/{e=$2} /Maximum resident/{m=$2}
		END{printf "   CPU %.2f s (user %s + sys %s), wall %s, peak RSS %.0f MB\n", u+s, u, s, e, m/1024}' "$work/$name.err"
	grep -E '^(核验|发布记录|用时)' "$work/$name.out" | cut -c1-240 | sed 's/^/   /' || true
}

# The published site: publish once (not timed) for build and verify.
published=$work/published
if [ ! -d "$published" ]; then
	cp -a "$site" "$published"
	"$portal" publish -site "$published" -out "$out/published" -now $now -key "$key" >/dev/null 2>&1
fi

for step in $steps; do
	case $step in
	pair)
		for i in 1 2; do
			rm -rf "$work/b" "$out/b" "$out/.b.versions"
			cp -a "$published" "$work/b" && rm -rf "$work/b/.portal"
			sync
			timed "build-$i" nice -n 10 "$portal" build -site "$work/b" -out "$out/b" -now $now
			rm -rf "$work/p" "$out/p" "$out/.p.versions"
			cp -a "$site" "$work/p"
			sync
			timed "publish-$i" nice -n 10 "$portal" publish -site "$work/p" -out "$out/p" -now $now -key "$key"
		done
		rm -rf "$work/b" "$work/p" "$out/b" "$out/p" "$out/.b.versions" "$out/.p.versions"
		;;
	size)
		echo "== log size: $(du -sb "$published/data/ledger" | cut -f1) bytes in data/ledger; $(du -sb "$out/published/log" | cut -f1) bytes published under /log/"
		;;
	verify)
		for i in 1 2; do
			timed "verify-$i" "$portal" verify -site "$published" -out "$out/published" -now $now
		done
		rm -f "$work/state.json"
		timed "verify-follow-first" "$portal" verify -site "$published" -out "$out/published" -now $now -follow "$work/state.json"
		for i in 1 2; do
			timed "verify-follow-$i" "$portal" verify -site "$published" -out "$out/published" -now $now -follow "$work/state.json"
		done
		;;
	nightly)
		next=$(date -u -d "$now + 1 day" +%F)
		if [ ! -d "$out/nightly" ]; then
			"$portal" build -site "$published" -out "$out/nightly" -now "$next" >/dev/null 2>&1
		fi
		rm -f "$work/state-nightly.json"
		"$portal" verify -site "$published" -out "$out/published" -now $now -follow "$work/state-nightly.json" >/dev/null
		timed "verify-nightly-first" "$portal" verify -site "$published" -out "$out/nightly" -now "$next" -follow "$work/state-nightly.json"
		timed "verify-nightly-rerun" "$portal" verify -site "$published" -out "$out/nightly" -now "$next" -follow "$work/state-nightly.json"
		;;
	esac
done
