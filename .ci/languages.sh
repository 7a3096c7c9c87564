#!/usr/bin/env bash
# Judge: the jsii assembly generates Python, Java, C# and Go code offline. Only code is generated (no toolchains
# here to build packages), into a temp dir that is removed afterwards. Needs a compiled .jsii (run after build).
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

[ -f .jsii ] || { echo "judge:languages: no .jsii: run 'npx projen compile' first" >&2; exit 1; }
out="$(mktemp -d -t pacmak-XXXXXX)"
trap 'rm -rf "$out"' EXIT

# --no-npmignore: pacmak would otherwise add the (temp) output dir to .npmignore.
jsii-pacmak --code-only --no-npmignore --no-fingerprint --force-subdirectory \
  --target python --target java --target dotnet --target go --outdir "$out"

# Each language must have generated code that mentions every public construct.
fail=0
for lang in python java dotnet go; do
  case "$lang" in
    python) ext='py' ;; java) ext='java' ;; dotnet) ext='cs' ;; go) ext='go' ;;
  esac
  count="$(find "$out/$lang" -name "*.$ext" | wc -l)"
  if [ "$count" -eq 0 ]; then
    echo "judge:languages: $lang: no .$ext files generated" >&2; fail=1; continue
  fi
  for type in PodIdentityAgentAddon PodIdentityRole PodIdentityAssociation PodIdentityBoundWorkload; do
    if ! grep -rqs --include="*.$ext" "$type" "$out/$lang"; then
      echo "judge:languages: $lang: $type missing from the generated code" >&2; fail=1
    fi
  done
  echo "judge:languages: $lang: $count .$ext files"
done
exit "$fail"
