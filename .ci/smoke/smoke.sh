#!/usr/bin/env bash
# Judge: the packed library works for a new user. Installs the npm tarball plus the public peers (only) into a
# fresh CDK app outside the repo, type-checks a TypeScript app that imports only the package root, synthesizes it
# with node (no CDK CLI) and checks the template. Run after build (needs a compiled lib/ or dist/js/*.tgz).
#   SMOKE_KEEP=1   keep the temp app for inspection
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
here="$repo/.ci/smoke"
cd "$repo"

work="$(mktemp -d -t cdk-eks-pod-identity-smoke-XXXXXX)"
if [ -z "${SMOKE_KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "judge:smoke: keeping $work"; fi

# 1. The tarball: the one package:js built (what would be published), or a fresh `npm pack`.
tarball="$(ls -t dist/js/*.tgz 2>/dev/null | head -1 || true)"
if [ -z "$tarball" ] || [ "$tarball" -ot .jsii ]; then
  [ -f lib/index.js ] || { echo "judge:smoke: lib/ is not compiled: run 'npx projen compile' first" >&2; exit 1; }
  tarball="$work/$(npm pack --silent --pack-destination "$work")"
fi
echo "judge:smoke: tarball $tarball"
cp "$tarball" "$work/cdk-eks-pod-identity.tgz" 2>/dev/null || true
tarball="$work/cdk-eks-pod-identity.tgz"
node "$here/check-tarball.js" "$tarball"

# 2. A fresh app with the tarball and the peers at the versions this repo tests against (package.json devDependencies).
peers="$(node -e '
  const pkg = require(process.argv[1]);
  console.log(Object.keys(pkg.peerDependencies).map(name => `${name}@${pkg.devDependencies[name]}`).join(" "));
' "$repo/package.json")"
app="$work/app"
mkdir -p "$app"
cp "$here/app.ts" "$here/tsconfig.json" "$here/check-template.js" "$app/"
(cd "$app" && echo '{ "name": "smoke-app", "version": "1.0.0", "private": true }' > package.json \
  && npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tarball" $peers)
echo "judge:smoke: installed $(cd "$app" && node -p 'require("cdk-eks-pod-identity/package.json").version') with $peers"

# 3. Type-check and compile it as a user would (the repo's TypeScript compiler, the app's own node_modules).
(cd "$app" && "$repo/node_modules/.bin/tsc" -p tsconfig.json)

# 4. Synthesize with node and check the template.
(cd "$app" && node app.js && node check-template.js cdk.out/SmokeStack.template.json)

# 5. The package's command: the permissions report of that app lists both associations, as JSON too.
(cd "$app" && npx --no-install cdk-eks-pod-identity report cdk.out > report.md \
  && npx --no-install cdk-eks-pod-identity report cdk.out --format json > report.json \
  && node -e '
    const fs = require("fs");
    const md = fs.readFileSync("report.md", "utf8");
    const pairs = JSON.parse(fs.readFileSync("report.json", "utf8")).associations.map(a => `${a.namespace}/${a.serviceAccount}`);
    const problems = [];
    if (!md.startsWith("# EKS Pod Identity permissions")) problems.push("Markdown report has no title");
    if (JSON.stringify(pairs) !== JSON.stringify(["batch/reader", "web/web"])) problems.push(`JSON report lists ${pairs}`);
    if (problems.length) { console.error("judge:smoke: report: " + problems.join("; ")); process.exit(1); }
    console.log(`judge:smoke: report ok (${pairs.join(", ")})`);
  ')
echo "judge:smoke: ok"
