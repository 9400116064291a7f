#!/usr/bin/env bash
# Run one fuzz target: fuzz/run.sh TARGET SECONDS [RUNS]
#
# libFuzzer through cargo-fuzz, with AddressSanitizer (and its leak checker), a 2 GB memory
# limit and a 20 s limit per input. The stable toolchain runs it with RUSTC_BOOTSTRAP=1
# (cargo-fuzz passes -Z flags). The committed seeds (fuzz/corpus/TARGET) are read, never
# written: new inputs go to target/fuzz-corpus/TARGET, findings to fuzz/artifacts/TARGET.
# The run stops after SECONDS or RUNS executions (default 1,000,000), whichever comes
# first, and appends a line to target/fuzz-results.tsv:
# target, seconds, executions, executions/s, coverage (edges), features, corpus size, status.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh TARGET SECONDS [RUNS]}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS [RUNS]}
runs=${3:-1000000}
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz not found: cargo install cargo-fuzz --locked" >&2; exit 2; }
work="../target/fuzz-corpus/$target"
mkdir -p "$work" "artifacts/$target"
log="../target/fuzz-$target.log"
status=0
RUSTC_BOOTSTRAP=1 cargo fuzz run --release "$target" "$work" "corpus/$target" -- \
  -max_total_time="$seconds" -runs="$runs" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
  -timeout=20 -print_final_stats=1 -artifact_prefix="artifacts/$target/" >"$log" 2>&1 || status=$?
grep -E "^(#[0-9]+.*(INITED|DONE)|==[0-9]+==|SUMMARY|stat::|Done)" "$log" || true
# The last value of a libFuzzer field in the log ("name: 123" or "name:   123").
field() { grep -Eo "$1:[[:space:]]+[0-9]+" "$log" | grep -Eo '[0-9]+$' | tail -1 || true; }
execs=$(field 'stat::number_of_executed_units')
rate=$(field 'stat::average_exec_per_sec')
cov=$(field 'cov')
ft=$(field 'ft')
corp=$(field 'corp')
elapsed=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -Eo '[0-9]+ second' | grep -Eo '[0-9]+' | tail -1 || true)
found=$(find "artifacts/$target" -type f | wc -l)
if [ "$status" -eq 0 ] && [ "$found" -eq 0 ] && [ -n "$execs" ]; then
  verdict=clean
else
  verdict="FINDINGS (exit $status, $found files in fuzz/artifacts/$target)"
fi
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "${elapsed:-?}" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$verdict" | tee -a ../target/fuzz-results.tsv
[ "$verdict" = clean ]
