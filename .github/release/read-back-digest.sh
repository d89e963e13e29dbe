#!/bin/sh
# Read back from the registry what a release pushed, before anything names it (.github/workflows/release.yml):
#   sh .github/release/read-back-digest.sh REF sha256:<64 hex> [OS/ARCH...]
# REF is REPO@DIGEST or REPO:TAG. The manifest the registry serves for REF is hashed here: skopeo does not check
# it, and a push's word is not the registry's. A digest the push misreported, a tag that names something else or
# other bytes served under the digest all fail; with OS/ARCH arguments the manifest must also be an index with an
# image for each (a digest of one platform's manifest is not the multi-platform image). Prints the digest.
set -eu
ref=$1
expected=$2
shift 2
manifest=$(mktemp)
trap 'rm -f "$manifest"' EXIT
skopeo inspect --raw "docker://${ref}" >"$manifest"
got="sha256:$(sha256sum "$manifest" | cut -d' ' -f1)"
if [ "$got" != "$expected" ]; then
  echo "::error::${ref}: the registry serves ${got}, not ${expected}" >&2
  exit 1
fi
for platform in "$@"; do
  jq -e --arg p "$platform" 'any(.manifests[]?.platform // empty; .os + "/" + .architecture == $p)' "$manifest" \
    >/dev/null || {
    echo "::error::${ref} has no ${platform} image" >&2
    exit 1
  }
done
printf '%s\n' "$got"
