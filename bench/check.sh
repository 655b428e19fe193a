#!/usr/bin/env bash
# Times `sigma-kql check` over the SigmaHQ rules (whole process, all cores and one core) and,
# when a Python with pySigma 1.5.1 is given, pySigma loading the same rules, in one hyperfine
# run so that the ratios come from the same conditions. Prints the median of each command.
#
#   bench/check.sh [PYTHON_WITH_PYSIGMA]
#
# Needs hyperfine, a release build (cargo build --release) and ../shared/sigma.
set -euo pipefail
cd "$(dirname "$0")/.."
rules=${SIGMA_RULES:-../shared/sigma/rules}
python=${1:-}
cmds=("./target/release/sigma-kql check $rules"
      "env RAYON_NUM_THREADS=1 ./target/release/sigma-kql check $rules")
if [ -n "$python" ]; then
  cmds+=("$python bench/pysigma_load.py $rules")
fi
out=$(mktemp)
hyperfine -N --warmup 1 --runs 7 --export-json "$out" "${cmds[@]}" >/dev/null
python3 - "$out" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['median']*1000:9.1f} ms median  ({len(r['times'])} runs)  {r['command']}")
PY
rm -f "$out"
