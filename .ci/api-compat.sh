#!/usr/bin/env bash
# Judge: the public API stays compatible with the committed baseline assembly (api/baseline.jsii). jsii-diff reports
# every breaking change (removed or renamed types and members, narrowed parameter types, widened return types, new
# required props...), for experimental APIs too; CI fails unless the change is listed in
# api/allowed-breaking-changes.txt, each key under a comment that gives its reason. A key jsii-diff no longer reports
# fails too, so the list is the current set of intended breaks. `npx projen api:baseline` records the current API as
# the new baseline (e.g. at a release) and empties the list. Needs a compiled .jsii (run after build).
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
baseline=api/baseline.jsii
allow=api/allowed-breaking-changes.txt

[ -f .jsii ] || { echo "api:compat: no .jsii: run 'npx projen compile' first" >&2; exit 1; }

# jsii-diff loads an assembly with its dependencies from a package folder: make one for the baseline inside the repo,
# so that aws-cdk-lib, constructs and cdk8s resolve from node_modules.
base="$(mktemp -d "$PWD/.api-baseline-XXXXXX")"
report="$(mktemp)"
trap 'rm -rf "$base" "$report"' EXIT
cp "$baseline" "$base/.jsii"
node -e '
const fs = require("fs");
const assembly = JSON.parse(fs.readFileSync(process.argv[1] + "/.jsii", "utf8"));
fs.writeFileSync(process.argv[1] + "/package.json", JSON.stringify({
  name: assembly.name, version: assembly.version, jsii: { outdir: "dist" }, peerDependencies: assembly.dependencies ?? {},
}));' "$base"

# The verdict is jsii-diff's own: exit 1 on a breaking change not in the allow file (its --ignore-file format).
status=0
jsii-diff "$base" . --error-on all --keys --ignore-file "$allow" > "$report" 2>&1 || status=$?
grep -v '^!!' "$report" || true
if [ "$status" -eq 1 ]; then
  echo "api:compat: breaking API change (above, key in brackets): keep the API compatible, or, if the break is intended, add the key to $allow under a # comment with the reason, and say so in the commit message" >&2
  exit 1
fi
[ "$status" -eq 0 ] || { echo "api:compat: jsii-diff failed (exit $status)" >&2; exit "$status"; }

# Every allowed key has a reason and is still a breaking change (a run without the allow file lists them all).
jsii-diff "$base" . --error-on all --keys > "$report" 2>&1 || true
node -e '
const fs = require("fs");
const [allowFile, reportFile] = process.argv.slice(1);
const lines = fs.existsSync(allowFile) ? fs.readFileSync(allowFile, "utf8").split("\n") : [];
const reported = new Set([...fs.readFileSync(reportFile, "utf8").matchAll(/\[([^\]\s]+:[^\]\s]+)\]\s*$/gm)].map(m => m[1]));
const problems = [];
let allowed = 0;
lines.forEach((raw, index) => {
  const line = raw.trim();
  if (line === "" || line.startsWith("#")) return;
  allowed++;
  if (!(lines[index - 1] ?? "").trim().startsWith("#")) problems.push(`${allowFile}:${index + 1}: ${line} has no reason: put a # comment line saying why right above it`);
  if (!reported.has(line)) problems.push(`${allowFile}:${index + 1}: ${line} is not a breaking change against the baseline (any more): remove it`);
});
for (const problem of problems) console.error(`api:compat: ${problem}`);
if (problems.length === 0) console.log(`api:compat: compatible with the baseline (${allowed} intended breaking change(s) listed in ${allowFile})`);
process.exit(problems.length === 0 ? 0 : 1);
' "$allow" "$report"
