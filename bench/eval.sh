#!/usr/bin/env bash
# eval of the SigmaHQ Windows rules in raw mode over 1,000,000 generated Windows events:
# sigma-kql against rsigma-eval 0.21.0 (bench/rsigma), one thread then two, in one hyperfine
# run; then each command once under /usr/bin/time for its peak memory, and the per-rule match
# counts compared. Usage: bench/eval.sh [EVENTS] (default /tmp/win1m.jsonl, generated if absent)
set -euo pipefail
cd "$(dirname "$0")/.."
S=../shared/sigma/rules/windows
EVENTS=${1:-/tmp/win1m.jsonl}
OUT=${OUT:-/tmp/sigma-kql-bench}
mkdir -p "$OUT"
cargo build --release --quiet
(cd bench/rsigma && cargo build --release --quiet)
[ -f "$EVENTS" ] || bench/rsigma/target/release/gen-events --count 1000000 --seed 1 -o "$EVENTS"
ours() { echo "./target/release/sigma-kql eval $S --events $EVENTS --mode raw --threads $1 --format json -o $OUT/sigma-kql-t$1.json"; }
peer() { echo "bench/rsigma/target/release/rsigma-run --threads $1 --rules $S -o $OUT/rsigma-t$1.json $EVENTS"; }
hyperfine -N -w 0 -r "${RUNS:-3}" --export-json "$OUT/hyperfine.json" \
  -n "sigma-kql, 1 thread" "$(ours 1)" -n "rsigma-eval, 1 thread" "$(peer 1)" \
  -n "sigma-kql, 2 threads" "$(ours 2)" -n "rsigma-eval, 2 threads" "$(peer 2)"
python3 - "$OUT/hyperfine.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for t in ("1 thread", "2 threads"):
    a, b = r[f"sigma-kql, {t}"], r[f"rsigma-eval, {t}"]
    print(f"{t}: sigma-kql median {a['median']:.2f} s, rsigma-eval median {b['median']:.2f} s: "
          f"{b['median'] / a['median']:.2f}x")
PY
for t in 1 2; do
  /usr/bin/time -f "sigma-kql, $t thread(s): %e s, peak RSS %M KB" $(ours "$t")
  /usr/bin/time -f "rsigma-eval, $t thread(s): %e s, peak RSS %M KB" $(peer "$t") > /dev/null
done
python3 bench/compare_counts.py "$OUT/sigma-kql-t1.json" "$OUT/rsigma-t1.json" "$EVENTS"
cmp "$OUT/sigma-kql-t1.json" "$OUT/sigma-kql-t2.json" && echo "sigma-kql: the same report on 1 and 2 threads"
