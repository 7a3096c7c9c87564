// Checks what the npm tarball ships: the jsii assembly, compiled JavaScript and typings for every module, and none
// of the TypeScript sources, tests, examples, integ tests, benchmarks or CI scripts.
'use strict';
const { execFileSync } = require('child_process');

const files = execFileSync('tar', ['-tzf', process.argv[2]], { encoding: 'utf8' })
  .split('\n').filter(Boolean).map(f => f.replace(/^package\//, ''));
const problems = [];
for (const required of ['package.json', '.jsii', 'README.md', 'LICENSE', 'lib/index.js', 'lib/index.d.ts', 'bin/cdk-eks-pod-identity', 'lib/report/cli.js']) {
  if (!files.includes(required)) problems.push(`missing ${required}`);
}
for (const dts of files.filter(f => f.startsWith('lib/') && f.endsWith('.d.ts'))) {
  if (!files.includes(dts.replace(/\.d\.ts$/, '.js'))) problems.push(`${dts} has no compiled .js`);
}
// TypeScript sources next to the .d.ts would be type-checked by users' compilers under their settings.
for (const ts of files.filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))) problems.push(`ships TypeScript source ${ts}`);
for (const f of files) {
  if (/^(test|examples|integ|bench|\.ci|projenrc|coverage|test-reports|cdk\.out|dist)\//.test(f) || f === '.projenrc.ts') {
    problems.push(`ships ${f}`);
  }
}

// What installing the package brings along: never @cloud-copilot/iam-simulate (AGPL, our tests' IAM judge) nor any
// other AGPL package, as a dependency of any kind or bundled.
const pkg = JSON.parse(execFileSync('tar', ['-xzOf', process.argv[2], 'package/package.json'], { encoding: 'utf8' }));
const FORBIDDEN = ['@cloud-copilot/iam-simulate'];
const dependencies = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
  ...[pkg.bundledDependencies ?? pkg.bundleDependencies ?? []].flat(),
]);
for (const name of dependencies) {
  if (FORBIDDEN.includes(name)) problems.push(`package.json depends on ${name} (AGPL: a devDependency only)`);
  let license;
  try {
    license = require(require.resolve(`${name}/package.json`, { paths: [process.cwd()] })).license;
  } catch {
    license = undefined; // not installed here (e.g. an export map without package.json): the name check above still applies
  }
  if (/AGPL/i.test(JSON.stringify(license ?? ''))) problems.push(`package.json depends on ${name}, licensed ${JSON.stringify(license)}`);
}
for (const f of files.filter(f => f.startsWith('node_modules/'))) problems.push(`bundles ${f}`);

if (problems.length > 0) {
  console.error('judge:smoke: tarball check failed:\n  - ' + problems.join('\n  - '));
  process.exit(1);
}
console.log(`judge:smoke: tarball ok (${files.length} files; dependencies: ${[...dependencies].join(', ') || 'none'}, no AGPL)`);
