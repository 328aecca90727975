#!/usr/bin/env bash
# Runs each libFuzzer target of tests/fuzz for a bounded time on a copy of its seed corpus.
#
#   tests/fuzz/run.sh [-t SECONDS] [-m MEGABYTES] [-b BUILD_DIR] [TARGET...]
#
# TARGET is wire, reverter, corefile, rewrite_line, rules_yaml or cache (default: all), one after
# the other, each for SECONDS (default 60) with at most MEGABYTES of RSS (default 2048). Builds
# nothing: BUILD_DIR (default build-fuzz) must hold the fuzzers, made with
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -DDNSD_FUZZ=ON -DDNSD_BUILD_TESTS=OFF -DDNSD_BUILD_BENCH=OFF
#   cmake --build build-fuzz --target wire_fuzz reverter_fuzz corefile_fuzz rewrite_line_fuzz rules_yaml_fuzz cache_fuzz
# Prints per target the executions (libFuzzer's stat::number_of_executed_units) and execs/s.
# Exits 1 when any target crashed, leaked, hit UB, broke an invariant, timed out or ran out of
# memory; the input that did it is kept in BUILD_DIR/fuzz-artifacts/ (replay it by passing the
# file to the fuzzer; add it to corpus/TARGET/ as repro-NAME once fixed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds=60
megabytes=2048
build="$root/build-fuzz"
while getopts "t:m:b:h" option; do
  case "$option" in
    t) seconds="$OPTARG" ;;
    m) megabytes="$OPTARG" ;;
    b) build="$(cd "$OPTARG" && pwd)" ;;
    *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
all=(wire reverter corefile rewrite_line rules_yaml cache)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")

dict_for() {
  case "$1" in
    wire|reverter|cache) echo "$here/dns.dict" ;;
    corefile) echo "$here/corefile.dict" ;;
    rewrite_line|rules_yaml) echo "$here/rules.dict" ;;
  esac
}

for target in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $target "* ]] || { echo "run.sh: unknown target $target (want ${all[*]})" >&2; exit 2; }
  [ -x "$build/bin/${target}_fuzz" ] || { echo "run.sh: $build/bin/${target}_fuzz not built (see $0 -h)" >&2; exit 2; }
done

artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# UBSan is fatal in these builds (-fno-sanitize-recover); the options only add stack traces.
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

failed=()
summary=()
for target in "${targets[@]}"; do
  corpus="$work/$target"
  cp -r "$here/corpus/$target" "$corpus"
  log="$work/$target.log"
  echo "== $target: ${seconds}s, at most ${megabytes} MB"
  status=0
  # -timeout: one input running this long is a hang (generous: CI machines are shared).
  "$build/bin/${target}_fuzz" "$corpus" -max_total_time="$seconds" -rss_limit_mb="$megabytes" \
      -timeout=25 -print_final_stats=1 -dict="$(dict_for "$target")" \
      -artifact_prefix="$artifacts/$target-" > "$log" 2>&1 || status=$?
  executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  line="$(printf '%-13s %12s executions %8s exec/s' "$target" "${executions:-?}" "${rate:-?}")"
  if ((status != 0)); then
    grep -E "ERROR|invariant failed|SUMMARY|Test unit written|==[0-9]+==|#[0-9]+ 0x" "$log" | head -40 || tail -40 "$log"
    line+="  FAILED (exit $status)"
    failed+=("$target")
  fi
  echo "$line"
  summary+=("$line")
done
echo "== fuzz summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
echo "fuzz: $((${#targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
if ((${#failed[@]})); then
  echo "failed: ${failed[*]} (inputs in $artifacts)" >&2
  exit 1
fi
