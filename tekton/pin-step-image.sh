#!/bin/sh
# Pin the STEP_IMAGE default of Tekton Task/StepAction files to REF, the image the release just pushed, by digest:
#   sh tekton/pin-step-image.sh ghcr.io/org/oci-encrypt-push:v1.2.3@sha256:<64 hex> FILE...
# Each file must have exactly one STEP_IMAGE param with a default; files are rewritten in place.
set -eu
ref=${1:-}
shift || true
if ! printf '%s\n' "$ref" | grep -Eq '^[A-Za-z0-9._/:-]+@sha256:[0-9a-f]{64}$'; then
  echo "pin-step-image: '$ref' is not pinned by digest (REPO[:TAG]@sha256:<64 hex>)" >&2
  exit 1
fi
for f in "$@"; do
  tmp="$f.pin.$$"
  # The default line that follows `- name: STEP_IMAGE`, before the next param.
  if ! awk -v ref="$ref" '
    /- name: / { in_param = ($0 ~ /- name: STEP_IMAGE$/) }
    in_param && /^ *default: / { sub(/default: .*/, "default: " ref); done++; in_param = 0 }
    { print }
    END { exit done == 1 ? 0 : 1 }
  ' "$f" >"$tmp"; then
    rm -f "$tmp"
    echo "pin-step-image: $f has no STEP_IMAGE default (or more than one)" >&2
    exit 1
  fi
  mv "$tmp" "$f"
done
