#!/usr/bin/env bash
# Judge: the library against the NEWEST versions of its peers that package.json's peer ranges admit (users get
# those, while every other test runs on the pinned dev copies). Installs them into a temp dir and runs the tests
# that guard aws-cdk-lib's private members and the main constructs on them, so an upstream change breaks our CI
# first. Prints the versions it used.
set -euo pipefail
cd "$(dirname "$0")/.."
export CDK_DISABLE_CLI_TELEMETRY=true JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

# COMPAT_DIR: reuse an install (kept) instead of a fresh temp dir.
if [ -n "${COMPAT_DIR:-}" ]; then
  dir="$COMPAT_DIR"; mkdir -p "$dir"
else
  dir="$(mktemp -d -t compat-newest-XXXXXX)"
  trap 'rm -rf "$dir"' EXIT
fi

specs=()
for peer in aws-cdk-lib constructs cdk8s cdk8s-plus-28; do
  range="$(node -p "require('./package.json').peerDependencies['$peer']")"
  # The newest published version in the range (npm lists them oldest first).
  version="$(npm view "$peer@$range" version --json | node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log([v].flat().pop())')"
  specs+=("$peer@$version")
done
echo "compat:newest: ${specs[*]}"
(cd "$dir" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund --ignore-scripts "${specs[@]}" >/dev/null)

# jest resolves the peers (from lib/, test/ and inside aws-cdk-lib) to the newest copies.
mapper="$(node -e '
const dir = process.argv[1];
const map = {};
for (const peer of ["aws-cdk-lib", "constructs", "cdk8s", "cdk8s-plus-28"]) {
  map[`^${peer.replace(/[-]/g, "\\-")}(/.*)?$`] = `${dir}/node_modules/${peer}$1`;
}
console.log(JSON.stringify(map));
' "$dir")"
# aws-cdk-lib 2.27x validates templates with a wasm module at every synthesis (~3 s each): the judges here are ours.
# Test files as arguments override the default set.
[ "$#" -gt 0 ] || set -- test/private/default-workload-objects.test.ts test/association.test.ts test/agent-addon.test.ts \
  test/auto-mode.test.ts test/checks-messages.test.ts test/private/aws-cdk-internals.test.ts test/examples/carts.test.ts
CDK_VALIDATION=false npx jest --coverage=false --ci --moduleNameMapper="$mapper" "$@"
