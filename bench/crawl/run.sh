#!/usr/bin/env bash
# HTTP crawl benchmark: a generated portal (bench/crawl/gen_site.py) served by nginx on
# 127.0.0.1, crawled in the same run by zwgk scan (crawl plus every rule), wget, wget2 and
# Scrapy. Wall time, CPU time and peak RSS from /usr/bin/time; the pages each tool really
# fetched are counted from nginx's access log. The table goes to stdout, the details of every
# run to stderr.
#
# Usage: bench/crawl/run.sh [PAGES ...]        (default: 10000)
# Environment:
#   TOOLS    which lines to run (default: all):
#            zwgk64 zwgk4 wget wget2-4 wget2-64 scrapy cache nightly
#            (nightly: incremental re-scans at the default politeness, on the first run
#            only — a cold scan with --cache, a re-scan the next night of the unchanged
#            site, then one new item and one page edited in place (change_site.py) and a
#            re-scan the night after, its verdicts compared with those of a full scan of
#            the changed site, run without the delay)
#   TIMEOUT  seconds allowed per client run (default: 300 + PAGES/20)
#   REPEAT   runs of each line (default: 3 up to 20,000 pages, else 1); the lines take turns
#   CARGO_TARGET_DIR, JOBS  where and with how many jobs zwgk is built (default: target, 2)
#   CACHE_PARENT  where the --cache folders go (default: the work folder, under /tmp);
#            e.g. /dev/shm to leave the disk's file creation out of the cold cached scan
#   ZWGK_BASELINE  another zwgk binary (e.g. a build of an earlier commit): its lines
#            (zwgk64, zwgk4, cache) run too, in turn with this build's, marked "baseline"
#   ZWGK_BASELINE_RULES  the rule pack the baseline reads (default: this tree's
#            rules/gd-whly-2021); give the earlier commit's pack when this one uses check
#            kinds or keys the baseline does not know, e.g. from
#            `git archive COMMIT rules | tar -x -C DIR`
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
USER_TIMEOUT=${TIMEOUT:-}
TOOLS=${TOOLS:-"zwgk64 zwgk4 wget wget2-4 wget2-64 scrapy cache nightly"}
PAGES_LIST=("$@")
[ ${#PAGES_LIST[@]} -gt 0 ] || PAGES_LIST=(10000)

log() { printf '%s\n' "$*" >&2; }
want() { case " $TOOLS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# --- tools ---------------------------------------------------------------------------------
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || [ ! -x /usr/sbin/nginx ] || NGINX=/usr/sbin/nginx
missing=()
[ -n "$NGINX" ] || missing+=(nginx)
command -v wget >/dev/null || missing+=(wget)
command -v wget2 >/dev/null || missing+=(wget2)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} (apt-get)"
  # keep the package's own nginx service from starting (it would listen on every address)
  policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    policy=1
  fi
  $SUDO apt-get update -qq >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  [ -z "$policy" ] || $SUDO rm -f /usr/sbin/policy-rc.d
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
if want scrapy && ! python3 -c 'import scrapy' 2>/dev/null; then
  log "installing Scrapy (pip)"
  python3 -m pip install --quiet scrapy >&2 \
    || python3 -m pip install --quiet --user --break-system-packages scrapy >&2
fi

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
log "building zwgk (release)"
cargo build --release --locked -p zwgk-cli -j "${JOBS:-2}" >&2
ZWGK=$CARGO_TARGET_DIR/release/zwgk
RULES=$ROOT/rules/gd-whly-2021
HAS_CACHE=
if "$ZWGK" scan --help 2>/dev/null | grep -q -- '--cache'; then HAS_CACHE=1; fi

# --- work folder, nginx --------------------------------------------------------------------
work=$(mktemp -d -t zwgk-crawl-bench.XXXXXX)
chmod 755 "$work"
CACHE_PARENT=$(mktemp -d "${CACHE_PARENT:-$work}/zwgk-cache.XXXXXX")
nginx_pid=
cleanup() {
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -QUIT "$nginx_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$work" "$CACHE_PARENT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_nginx() { # SITE_DIR PORT
  local site=$1 port=$2
  mkdir -p "$work/nginx/tmp"
  cat > "$work/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
$([ "$(id -u)" -eq 0 ] && echo "user root;")
events { worker_connections 4096; }
http {
  types { text/html html; text/plain txt; image/png png; }
  default_type application/octet-stream;
  charset utf-8;
  log_format bench '\$request_method \$status \$request_uri \$body_bytes_sent';
  access_log $work/nginx/access.log bench;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  keepalive_timeout 65;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    server_name localhost;
    root $site;
    index index.html;
  }
}
EOF
  : > "$work/nginx/access.log"
  "$NGINX" -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
  nginx_pid=$!
  for _ in $(seq 100); do
    if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$port" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  log "nginx did not start:"; cat "$work/nginx/error.log" >&2; exit 1
}

stop_nginx() {
  kill -QUIT "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  nginx_pid=
}

# --- one measured run ----------------------------------------------------------------------
# Each line's runs are kept in $work/res/PAGES.KEY, one line per run:
#   wall_s peak_rss_kb cpu_s html_pages_served requests bytes_sent exit_code
declare -A LABEL CONC
KEYS=()
measure() { # KEY LABEL CONCURRENCY COMMAND...
  local key=$1 label=$2 conc=$3; shift 3
  local before after rc secs kb usr sys
  case " ${KEYS[*]} " in *" $key "*) ;; *) KEYS+=("$key") ;; esac
  LABEL[$key]=$label; CONC[$key]=$conc
  rm -f "$work/report.json"
  before=$(wc -l < "$work/nginx/access.log")
  log "  [$rep/$REPEATS] $label, concurrency $conc (load $(cut -d' ' -f1 /proc/loadavg))"
  set +e
  /usr/bin/time -f '%e %M %U %S' -o "$work/time" \
    timeout --kill-after=10 "$TIMEOUT" "$@" > "$work/out" 2> "$work/err"
  rc=$?
  set -e
  sleep 0.3 # the last access-log lines
  after=$(wc -l < "$work/nginx/access.log")
  sed -n "$((before + 1)),${after}p" "$work/nginx/access.log" > "$work/slice"
  read -r secs kb usr sys < <(tail -n 1 "$work/time")
  # HTML pages answered (200 or 304, each URL once), all requests and bytes, from nginx's log
  local stats
  stats=$(awk '($2 == 200 || $2 == 304) && ($3 ~ /\.html$/ || $3 ~ /\/$/) { if (!seen[$3]++) n++ }
               { b += $4 } END { printf "%d %d %d", n, NR, b }' "$work/slice")
  echo "$secs $kb $(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') $stats $rc" >> "$work/res/$PAGES.$key"
  log "    wall ${secs}s, cpu $(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')s, peak RSS $((kb / 1024)) MB; nginx: pages, requests, bytes = $stats; exit $rc"
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 8 ]; then
    log "    stderr (tail):"; tail -n 5 "$work/err" >&2 || true
  fi
  # the tool's own count, when it gives one
  case $key in
    zwgk*) python3 - "$work/report.json" >&2 <<'EOF2' || true
import json, sys
r = json.load(open(sys.argv[1]))
f = r.get("fetch", {})
print(f"    zwgk: site.pages {r['site']['pages']}, fetches {f.get('fetches')}, by_class {f.get('by_class')}, not_fetched {f.get('not_fetched')}")
EOF2
      ;;
    scrapy*) grep '^pages ' "$work/out" | sed 's/^/    scrapy: /' >&2 || true ;;
  esac
  # what nginx answered, by method and status
  awk '{ k[$1 " " $2]++ } END { for (x in k) printf "    nginx: %s x%d\n", x, k[x] }' "$work/slice" | sort >&2
  awk '$3 !~ /\.html$/ && $3 !~ /\/$/ { print "    nginx: not a page: " $1 " " $2 " " $3 }' "$work/slice" | sort | uniq -c | head -n 5 >&2
}

# Whether two reports give every rule the same outcome (the differences to stderr).
same_verdicts() { # REPORT REPORT
  python3 - "$1" "$2" <<'EOF2'
import json, sys
def outcomes(path):
    r = json.load(open(path))
    return {rule["id"]: rule["outcome"] for t in r["tasks"] for rule in t["rules"]}
a, b = outcomes(sys.argv[1]), outcomes(sys.argv[2])
diff = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
for k in diff:
    print(f"    differs: {k}: {a.get(k)} / {b.get(k)}", file=sys.stderr)
print("identical" if not diff else f"{len(diff)} rules differ")
EOF2
}

# The nightly line (see TOOLS): its runs, then what they show.
nightly() { # CACHE_DIR
  local cache_dir=$1 polite
  polite=("$ZWGK" scan "$url" --rules "$RULES" --as-of 2022-02-01 --format json --output "$work/report.json" -q)
  rm -rf "$cache_dir"
  measure nightly-cold "zwgk scan --cache DIR, cold, default politeness" 4 "${polite[@]}" --cache "$cache_dir" --clock 2022-02-01T02:00:00
  cp "$work/report.json" "$work/nightly-cold.json"
  measure nightly-rescan "zwgk scan --cache DIR, the next night, site unchanged" 4 "${polite[@]}" --cache "$cache_dir" --clock 2022-02-02T02:00:00
  cp "$work/report.json" "$work/nightly-rescan.json"
  NIGHTLY+=("unchanged site, the next night: verdicts of the re-scan and the cold scan $(same_verdicts "$work/nightly-cold.json" "$work/nightly-rescan.json")")
  local changed
  changed=$(python3 "$ROOT/bench/crawl/change_site.py" "$site")
  measure nightly-changed "zwgk scan --cache DIR, the night after: 1 new item, 1 page edited in place" 4 "${polite[@]}" --cache "$cache_dir" --clock 2022-02-03T02:00:00
  cp "$work/report.json" "$work/nightly-changed.json"
  local new_item edited
  new_item=$(sed -n 1p <<<"$changed"); edited=$(sed -n 2p <<<"$changed")
  local fetched_new fetched_edited
  fetched_new=$(awk -v u="$new_item" '$3 == u && $2 == 200' "$work/slice" | wc -l)
  fetched_edited=$(awk -v u="$edited" '$3 == u' "$work/slice" | wc -l)
  # The verdicts' reference, not a timing: without the delay (the cold scan is the polite one).
  measure nightly-full "zwgk scan, no cache, no delay: full scan of the changed site (verdict reference)" 64 "${polite[@]}" --clock 2022-02-03T02:00:00 --no-delay --concurrency 64
  cp "$work/report.json" "$work/nightly-full.json"
  NIGHTLY+=("changed site: the new item $new_item fetched by the re-scan: $fetched_new time(s); the page edited in place $edited asked: $fetched_edited time(s) (trusted until due otherwise); verdicts of the re-scan and the full scan $(same_verdicts "$work/nightly-changed.json" "$work/nightly-full.json")")
  python3 - "$work/nightly-rescan.json" "$work/nightly-changed.json" >&2 <<'EOF2' || true
import json, sys
for path in sys.argv[1:]:
    f = json.load(open(path)).get("fetch", {})
    print(f"    {path.rsplit('/', 1)[-1]}: fetches {f.get('fetches')}, fetched {f.get('fetched')}, revalidated {f.get('revalidated')}, trusted {f.get('trusted')}, oldest trusted {f.get('oldest_trusted_age_secs')} s")
EOF2
}

# One table row per line: best and median wall time of its runs, pages/s from the best,
# CPU seconds (user + system) of the best run, the largest peak RSS, and the fewest pages.
ROWS=()
summarise() {
  local key
  for key in "${KEYS[@]}"; do
    [ -s "$work/res/$PAGES.$key" ] || continue
    ROWS+=("$(sort -n "$work/res/$PAGES.$key" | awk -v p="$PAGES" -v l="${LABEL[$key]}" -v c="${CONC[$key]}" '
      { w[NR] = $1; cpu[NR] = $3; if ($2 > kb) kb = $2; if (NR == 1 || $4 < sv) sv = $4; rq = $5; by = $6
        if ($7 == 124 || $7 == 137) to = " (timed out)" }
      END { med = (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2
            printf "| %d | %s%s | %s | %.2f | %.2f | %.0f | %.2f | %.0f | %d | %d | %.1f |", p, l, to, c, w[1], med,
              (w[1] > 0 ? sv / w[1] : 0), cpu[1], kb / 1024, sv, rq, by / 1048576 }')")
  done
}

# --- machine -------------------------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
echo "Machine: $(nproc) cores ($cpu), $mem RAM, $(uname -sr)."
echo "Cache folders (--cache) on: $CACHE_PARENT ($(df --output=fstype "$CACHE_PARENT" | tail -n 1))."
echo "Versions: $("$ZWGK" --version 2>/dev/null | head -1); $("$NGINX" -v 2>&1 | sed 's/.*: //'); $(wget --version | head -1 | cut -d' ' -f1-3); $(wget2 --version | head -1 | sed 's/ - .*//'); Scrapy $(python3 -c 'import scrapy; print(scrapy.__version__)' 2>/dev/null || echo -)."

mkdir -p "$work/cwd" "$work/res"
NOTES=()
for PAGES in "${PAGES_LIST[@]}"; do
  TIMEOUT=${USER_TIMEOUT:-$((300 + PAGES / 20))}
  REPEATS=${REPEAT:-$([ "$PAGES" -le 20000 ] && echo 3 || echo 1)}
  site=$work/site-$PAGES
  log "generating $PAGES pages"
  python3 "$ROOT/bench/crawl/gen_site.py" "$site" "$PAGES" >&2
  chmod -R a+rX "$site"
  port=$(free_port)
  start_nginx "$site" "$port"
  url=http://127.0.0.1:$port/
  log "serving $site on $url"
  # warm the page cache once, and let the kernel write the generated files out before the
  # first run rather than during it
  find "$site" -type f -print0 | xargs -0 cat > /dev/null
  sync
  cd "$work/cwd"
  zwgk=("$ZWGK" scan "$url" --rules "$RULES" --as-of 2022-02-01 --format json --output "$work/report.json" --no-delay -q)
  KEYS=()
  # the lines take turns, so that each sees the machine in the same state
  base=()
  if [ -n "${ZWGK_BASELINE:-}" ]; then
    base=("$ZWGK_BASELINE" "${zwgk[@]:1}")
    base[4]=${ZWGK_BASELINE_RULES:-$RULES}
  fi
  NIGHTLY=()
  for rep in $(seq "$REPEATS"); do
    if want nightly && [ "$rep" -eq 1 ]; then
      if "$ZWGK" scan --help 2>/dev/null | grep -q -- '--revalidate-after'; then
        nightly "$CACHE_PARENT/nightly-$PAGES"
      else
        log "  (zwgk scan has no incremental re-scans: nightly line skipped)"
      fi
    fi
    ! want zwgk64 || measure zwgk64 "zwgk scan (crawl + rules)" 64 "${zwgk[@]}" --concurrency 64
    ! want zwgk64 || [ -z "${base[*]}" ] || measure zwgk64-base "baseline zwgk scan (crawl + rules)" 64 "${base[@]}" --concurrency 64
    ! want zwgk4 || measure zwgk4 "zwgk scan (crawl + rules)" 4 "${zwgk[@]}" --concurrency 4
    ! want zwgk4 || [ -z "${base[*]}" ] || measure zwgk4-base "baseline zwgk scan (crawl + rules)" 4 "${base[@]}" --concurrency 4
    if want wget; then
      measure wget "wget --spider (crawl only)" 1 wget --recursive --level=inf --spider --no-verbose "$url"
      rm -rf "${work:?}/cwd"/*
    fi
    for t in 4 64; do
      if want "wget2-$t"; then
        measure "wget2-$t" "wget2 --spider (crawl only)" "$t" wget2 --recursive --level=0 --spider --max-threads="$t" "$url"
        rm -rf "${work:?}/cwd"/*
      fi
    done
    ! want scrapy || measure scrapy "Scrapy CrawlSpider (crawl only)" 16 python3 "$ROOT/bench/crawl/scrapy_spider.py" "$url" 16
    if want cache; then
      if [ -n "$HAS_CACHE" ]; then
        cache_dir=$CACHE_PARENT/zcache-$PAGES-$rep
        rm -rf "$cache_dir"
        measure zwgk-cache-cold "zwgk scan --cache DIR, cold (crawl + rules)" 64 "${zwgk[@]}" --concurrency 64 --cache "$cache_dir"
        measure zwgk-cache-rescan "zwgk scan --cache DIR, re-scan of the unchanged site" 64 "${zwgk[@]}" --concurrency 64 --cache "$cache_dir"
        if [ -n "${base[*]}" ]; then
          rm -rf "$cache_dir"
          measure zwgk-cache-cold-base "baseline zwgk scan --cache DIR, cold" 64 "${base[@]}" --concurrency 64 --cache "$cache_dir"
          measure zwgk-cache-rescan-base "baseline zwgk scan --cache DIR, re-scan" 64 "${base[@]}" --concurrency 64 --cache "$cache_dir"
        fi
      elif [ "$rep" -eq 1 ]; then
        log "  (zwgk scan has no --cache: cached re-scan skipped)"
      fi
    fi
  done
  summarise
  for line in "${NIGHTLY[@]}"; do NOTES+=("$PAGES pages, $line"); done
  cd "$ROOT"
  stop_nginx
  rm -rf "$site" "$CACHE_PARENT"/zcache-*
done

echo
echo '| pages | tool | concurrency | wall s (best) | wall s (median) | pages/s (best) | CPU s | peak RSS MB | HTML pages served | requests | MB sent |'
echo '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
printf '%s\n' "${ROWS[@]}"
if [ ${#NOTES[@]} -gt 0 ]; then
  echo
  printf -- '- %s\n' "${NOTES[@]}"
fi
