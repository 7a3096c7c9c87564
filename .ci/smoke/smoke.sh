#!/usr/bin/env bash
# Judge: the packed library works for a new user. Installs the npm tarball plus the public peers (only) into a
# fresh CDK app outside the repo, type-checks a TypeScript app that imports only the package root, synthesizes it
# with node (no CDK CLI) and checks the template. A second entry in the same app is assembled at run time from the
# README's TypeScript blocks ("### Use an existing cluster", "### One workload"; see readme-snippets.js): it must
# compile, synthesize and import the existing cluster as the README says. Run after build (needs a compiled lib/ or
# dist/js/*.tgz).
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

# 2. A fresh app with the tarball and the peers at the versions this repo tests against (package.json devDependencies),
# plus the kubectl layer package the README's existing-cluster snippet imports (one install for both entries).
peers="$(node -e '
  const pkg = require(process.argv[1]);
  console.log(Object.keys(pkg.peerDependencies).map(name => `${name}@${pkg.devDependencies[name]}`).join(" "));
' "$repo/package.json")"
layer="$(node -p 'const n = "@aws-cdk/lambda-layer-kubectl-v33"; `${n}@${require(process.argv[1]).devDependencies[n]}`' "$repo/package.json")"
app="$work/app"
mkdir -p "$app"
cp "$here/app.ts" "$here/tsconfig.json" "$here/check-template.js" "$here/readme-snippets.js" "$here/check-readme-template.js" "$app/"
node "$app/readme-snippets.js" write "$repo/README.md" "$app/readme-app.ts"
(cd "$app" && echo '{ "name": "smoke-app", "version": "1.0.0", "private": true }' > package.json \
  && npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tarball" $peers "$layer")
echo "judge:smoke: installed $(cd "$app" && node -p 'require("cdk-eks-pod-identity/package.json").version') with $peers $layer"

# 3. Type-check and compile both entries as a user would (the repo's TypeScript compiler, the app's own node_modules);
# an error in the README entry is reported at its README line and section.
(cd "$app" && "$repo/node_modules/.bin/tsc" -p tsconfig.json > tsc.log 2>&1) \
  || { node "$app/readme-snippets.js" explain "$app/tsc.log" "$app/readme-app.map.json"; exit 1; }

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

# 6. The README app: synthesizes, imports the cluster through one kubectl provider running as the README's role with
# the layer, creates no agent add-on, binds carts/carts; the report lists that association.
(cd "$app" && node readme-app.js) || {
  echo 'judge:smoke: the app assembled from README sections "### Use an existing cluster" and "### One workload" does not synthesize (see above)' >&2
  exit 1
}
(cd "$app" && node check-readme-template.js cdk.out.readme/ReadmeStack.template.json readme-app.facts.json \
  && npx --no-install cdk-eks-pod-identity report cdk.out.readme --format json > readme-report.json \
  && node -e '
    const fs = require("fs");
    const pairs = JSON.parse(fs.readFileSync("readme-report.json", "utf8")).associations.map(a => `${a.namespace}/${a.serviceAccount}`);
    if (JSON.stringify(pairs) !== JSON.stringify(["carts/carts"])) {
      console.error(`judge:smoke: README app: the report lists ${JSON.stringify(pairs)}, expected ["carts/carts"] (README section "### One workload")`);
      process.exit(1);
    }
    console.log(`judge:smoke: README app report ok (${pairs.join(", ")})`);
  ')
echo "judge:smoke: ok"
