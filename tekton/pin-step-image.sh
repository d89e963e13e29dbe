#!/bin/sh
# Pin what a release pushed into the catalog files, by digest (a tag can be moved; a digest cannot):
#   sh tekton/pin-step-image.sh ghcr.io/org/oci-encrypt-push:v1.2.3@sha256:<64 hex> FILE...
#     rewrites the STEP_IMAGE param default of each Task or StepAction file (exactly one per file);
#   sh tekton/pin-step-image.sh --bundle ghcr.io/org/oci-encrypt-push/tekton-bundle:v1.2.3@sha256:<64 hex> FILE...
#     rewrites each bundles-resolver `bundle` param value of each sample that names that bundle repository (at least
#     one per file), so the samples run the Tasks the release bundled.
# Files are rewritten in place, and only when every file has what it must have.
set -eu
mode=step-image
if [ "${1:-}" = --bundle ]; then
  mode=bundle
  shift
fi
ref=${1:-}
shift || true
if ! printf '%s\n' "$ref" | grep -Eq '^[A-Za-z0-9._/:-]+@sha256:[0-9a-f]{64}$'; then
  echo "pin-step-image: '$ref' is not pinned by digest (REPO[:TAG]@sha256:<64 hex>)" >&2
  exit 1
fi
# The repository: the name without its tag (a tag follows the last /; a registry port comes before it).
name=${ref%@*}
case "${name##*/}" in
  *:*) repo=${name%:*} ;;
  *) repo=$name ;;
esac
if [ "$mode" = bundle ] && [ "$repo" = "$name" ]; then
  echo "pin-step-image: --bundle '$ref' has no tag (REPO:TAG@sha256:<64 hex>)" >&2
  exit 1
fi
tmps=
trap 'rm -f $tmps' EXIT
for f in "$@"; do
  tmp="$f.pin.$$"
  tmps="$tmps $tmp"
  if [ "$mode" = step-image ]; then
    # The default line that follows `- name: STEP_IMAGE`, before the next param.
    awk -v ref="$ref" '
      /- name: / { in_param = ($0 ~ /- name: STEP_IMAGE$/) }
      in_param && /^ *default: / { sub(/default: .*/, "default: " ref); done++; in_param = 0 }
      { print }
      END { exit done == 1 ? 0 : 1 }
    ' "$f" >"$tmp" || {
      echo "pin-step-image: $f has no STEP_IMAGE default (or more than one)" >&2
      exit 1
    }
  else
    # The value line that follows `- name: bundle`, when it names the same repository.
    awk -v ref="$ref" -v repo="$repo" '
      /- name: / { in_param = ($0 ~ /- name: bundle$/) }
      in_param && /^ *value: / {
        if (index($0, "value: " repo ":") || index($0, "value: " repo "@")) { sub(/value: .*/, "value: " ref); done++ }
        in_param = 0
      }
      { print }
      END { exit done >= 1 ? 0 : 1 }
    ' "$f" >"$tmp" || {
      echo "pin-step-image: $f has no bundle param naming $repo" >&2
      exit 1
    }
  fi
done
# Every file checked out: only now replace them.
for f in "$@"; do mv "$f.pin.$$" "$f"; done
