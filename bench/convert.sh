#!/usr/bin/env bash
# Times `sigma-kql convert` over the SigmaHQ rules (whole process, all cores and one core) and,
# when a Python with pySigma 1.5.1 and pySigma-backend-kusto 1.0.1 is given, pySigma converting
# the same rules (bench/pysigma_convert.py), in one hyperfine run so that the ratios come from
# the same conditions. Prints the median of each command and how many times faster than pySigma.
#
#   bench/convert.sh [PYTHON_WITH_PYSIGMA]
#
# Needs hyperfine, a release build (cargo build --release) and ../shared/sigma.
# sigma-kql exits 1 when some rules cannot be converted (as on SigmaHQ): -i accepts that.
set -euo pipefail
cd "$(dirname "$0")/.."
rules=${SIGMA_RULES:-../shared/sigma/rules}
python=${1:-}
cmds=("./target/release/sigma-kql convert $rules -o /tmp/sigma-kql-bench.kql"
      "env RAYON_NUM_THREADS=1 ./target/release/sigma-kql convert $rules -o /tmp/sigma-kql-bench.kql")
if [ -n "$python" ]; then
  cmds+=("$python bench/pysigma_convert.py $rules")
fi
out=$(mktemp)
# At least 5 runs each (hyperfine adds runs to fill 3 s for the fast commands).
hyperfine -N -i --warmup 1 --min-runs 5 --export-json "$out" "${cmds[@]}" >/dev/null
python3 - "$out" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
peer = results[2]["median"] if len(results) > 2 else None
for r in results:
    ratio = f"  {peer / r['median']:5.1f}x" if peer else ""
    print(f"{r['median']*1000:9.1f} ms median  ({len(r['times'])} runs){ratio}  {r['command']}")
PY
rm -f "$out"
