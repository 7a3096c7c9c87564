#!/usr/bin/env bash
# Judge: the jsii assembly is usable from Python, Java, C# and Go. Needs a compiled .jsii (run after build).
# - no union type anywhere in the assembly (Java, C# and Go would see Object);
# - jsii-pacmak generates the code of each language offline (code only: no toolchains here to build packages), into
#   a temp dir that is removed afterwards; the generated Python byte-compiles (python3 -m compileall);
# - every public type of the assembly and every public static method and property of its classes is in each
#   language's code under that language's naming, and the README's Python and Java examples use only names the
#   generated code has (.ci/assembly-judge.ts; its tests: test/judges/assembly-judge.test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
judge() { ts-node --transpile-only .ci/assembly-judge.ts "$@"; }

[ -f .jsii ] || { echo "judge:languages: no .jsii: run 'npx projen compile' first" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || { echo "judge:languages: python3 is needed to byte-compile the generated Python" >&2; exit 1; }
judge unions .jsii

out="$(mktemp -d -t pacmak-XXXXXX)"
trap 'rm -rf "$out"' EXIT

# --no-npmignore: pacmak would otherwise add the (temp) output dir to .npmignore.
jsii-pacmak --code-only --no-npmignore --no-fingerprint --force-subdirectory \
  --target python --target java --target dotnet --target go --outdir "$out"

fail=0
for lang in python java dotnet go; do
  case "$lang" in
    python) ext='py' ;; java) ext='java' ;; dotnet) ext='cs' ;; go) ext='go' ;;
  esac
  count="$(find "$out/$lang" -name "*.$ext" | wc -l)"
  if [ "$count" -eq 0 ]; then
    echo "judge:languages: $lang: no .$ext files generated" >&2; fail=1; continue
  fi
  echo "judge:languages: $lang: $count .$ext files"
done
if python3 -m compileall -q "$out/python" >/dev/null; then
  echo "judge:languages: python: the generated code byte-compiles"
else
  python3 -m compileall -q "$out/python" >&2 || true
  echo "judge:languages: python: the generated code does not byte-compile" >&2; fail=1
fi
judge languages .jsii "$out" README.md || fail=1
exit "$fail"
