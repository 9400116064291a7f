#!/usr/bin/env bash
# Folder-scan benchmark: zwgk scan (page analysis in parallel + every rule) against a
# peer doing only the first step (Python html.parser fact extraction), same files, same run.
# Usage: bench/run.sh [PAGES ...]   (default: 2000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p zwgk-cli >/dev/null
ZWGK=${CARGO_TARGET_DIR:-target}/release/zwgk
[ -x "$ZWGK" ] || { echo "no zwgk binary at $ZWGK" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '| pages | tool | wall s | pages/s | peak RSS MB |\n| ---: | --- | ---: | ---: | ---: |\n'
for pages in "${@:-2000 10000}"; do
  for n in $pages; do
    python3 bench/gen_portal.py "$work/portal-$n" "$n" >/dev/null
    real=$(find "$work/portal-$n" -type f \( -name '*.html' -o ! -name '*.*' \) | wc -l)
    measure() {
      local label=$1; shift
      # warm the page cache once, then measure; a failed run stops the benchmark
      "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
      /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
      read -r secs kb < "$work/t"
      awk -v n="$real" -v s="$secs" -v kb="$kb" -v l="$label" \
        'BEGIN { printf "| %d | %s | %.2f | %.0f | %.0f |\n", n, l, s, (s > 0 ? n / s : 0), kb / 1024 }'
    }
    measure "zwgk scan (2 threads)" "$ZWGK" scan "$work/portal-$n" --rules rules/gd-whly-2021 --as-of 2022-02-01 --format json --fail-on none -q
    measure "zwgk scan (1 thread)" env RAYON_NUM_THREADS=1 "$ZWGK" scan "$work/portal-$n" --rules rules/gd-whly-2021 --as-of 2022-02-01 --format json --fail-on none -q
    measure "python3 html.parser (peer)" python3 bench/peer_htmlparser.py "$work/portal-$n"
  done
done
