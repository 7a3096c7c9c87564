#!/usr/bin/env node
// Mutation testing (`npx projen mutation`; not part of CI or the build: it takes minutes). Runs StrykerJS once per
// group of source files, each scoped to the test files that are about it, then writes test/mutation.md: the score
// per file, and every surviving mutant with the reason it may survive (test/mutation-equivalents.json) or
// "unexplained". Exits 1 when a file misses its target or a survivor is unexplained.
//
//   node .ci/mutation.mjs                 every group (incremental: only mutants whose code or tests changed rerun)
//   node .ci/mutation.mjs input checks    only these groups; test/mutation.md still lists every group's last result
//   MUTATION_FULL=1 node .ci/mutation.mjs ignore the incremental files and retest every mutant
//   node .ci/mutation.mjs --report        only rewrite test/mutation.md from the last results
//   node .ci/mutation.mjs policies --files lib/policies/storage.ts,lib/policies/grants.ts
//                                         only these files of one group; the group's other files keep their last result
//   MUTATION_CONCURRENCY=1 ...            fewer Stryker test runners than stryker.config.json's 2
//
// Shared Stryker options are in stryker.config.json; per-group reports and incremental files go to reports/mutation/
// (git-ignored; Stryker never copies /reports into its sandbox).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const OUT = path.join(ROOT, 'reports', 'mutation');
const EQUIVALENTS_FILE = 'test/mutation-equivalents.json';
const REPORT_FILE = 'test/mutation.md';
// Per group, what test/mutation.md is written from: the counts per file and every undetected mutant, kept in the
// repository (Stryker's own reports are git-ignored and large), so a clone can rewrite the report and a group not
// rerun keeps its last result, with its date and commit.
const RESULTS_DIR = 'test/mutation-results';

const ENV = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };

const VALIDATION_TARGET = 90;
const CONSTRUCT_TARGET = 80;

const TRUST_CHECKS = [
  'lib/checks/target-role-trust-missing-association-role.ts', 'lib/checks/target-role-trust-external-id-mismatch.ts',
  'lib/checks/target-role-trust-missing-tag-session.ts', 'lib/checks/target-role-trust-missing-external-id.ts',
  'lib/private/target-role-trust.ts', 'lib/checks/trust-policy-too-long.ts', 'lib/checks/unscoped-workload-role.ts',
];
/** The tests of the checks: test/checks/<id>.test.ts. */
const CHECK_TESTS = fs.readdirSync(path.join(ROOT, 'test', 'checks')).filter(file => file.endsWith('.test.ts')).sort()
  .map(file => `test/checks/${file}`);
const TRUST_CHECK_TESTS = [
  'test/checks/target-role-trust-missing-association-role.test.ts', 'test/checks/target-role-trust-external-id-mismatch.test.ts',
  'test/checks/target-role-trust-missing-tag-session.test.ts', 'test/checks/target-role-trust-missing-external-id.test.ts',
  'test/checks/trust-policy-too-long.test.ts', 'test/checks/unscoped-workload-role.test.ts',
];
// Run when an association is made (they throw there): their tests are the association's.
const ASSOCIATION_CHECKS = [
  'lib/checks/scoped-role-across-stacks.ts', 'lib/checks/target-role-across-stacks.ts', 'lib/checks/target-role-not-granted.ts',
  'lib/checks/target-role-trust-not-resolvable.ts',
];
const ASSOCIATION_CHECK_TESTS = ['test/checks/scoped-role-across-stacks.test.ts'];
// The readers in lib/private the checks share (policy-values.ts also gives the report its listOf).
const CHECK_READERS = ['lib/private/policy-values.ts', 'lib/private/fargate-selection.ts', 'lib/private/irsa-trust.ts'];

/** Each group: the files Stryker mutates and the only test files it runs against them. */
const GROUPS = [
  {
    name: 'input',
    mutate: ['lib/private/input.ts', 'lib/private/policy-length.ts'],
    // Every check is called directly there; the constructs' tests (workload, role, association, agent-addon, addon,
    // private/trust) show the constructs call them, which the construct groups measure.
    tests: ['test/private/input.test.ts', 'test/private/policy-length.test.ts'],
    target: VALIDATION_TARGET,
  },
  {
    name: 'checks',
    mutate: ['lib/checks/*.ts', ...CHECK_READERS, '!lib/checks/stack-limits.ts', ...[...TRUST_CHECKS, ...ASSOCIATION_CHECKS].map(file => `!${file}`)],
    // Every check's tests but the stack limits' and the association checks' (the trust checks' too: the trust
    // policies AppFacts reads).
    tests: CHECK_TESTS.filter(file => file !== 'test/checks/stack-limit-exceeded.test.ts' && !ASSOCIATION_CHECK_TESTS.includes(file)),
    target: VALIDATION_TARGET,
  },
  {
    // Apart: their tests (target roles, long trust policies) would otherwise run for every mutant of every check.
    name: 'trust-checks',
    mutate: TRUST_CHECKS,
    tests: TRUST_CHECK_TESTS,
    target: VALIDATION_TARGET,
  },
  {
    // Apart: its tests synthesize big stacks, which would otherwise run for every mutant of every check.
    name: 'stack-limits',
    mutate: ['lib/checks/stack-limits.ts'],
    tests: ['test/checks/stack-limit-exceeded.test.ts'],
    target: VALIDATION_TARGET,
  },
  {
    name: 'role',
    mutate: ['lib/role.ts', 'lib/private/imported-role.ts'],
    tests: ['test/role.test.ts', 'test/private/imported-role.test.ts', 'test/association.test.ts', 'test/private/errors.test.ts', 'test/private/trust.test.ts', 'test/irsa-migration.test.ts'],
    target: CONSTRUCT_TARGET,
  },
  {
    name: 'association',
    mutate: ['lib/association.ts', ...ASSOCIATION_CHECKS],
    tests: ['test/association.test.ts', 'test/association-wiring.test.ts', ...ASSOCIATION_CHECK_TESTS, 'test/private/errors.test.ts', 'test/private/trust.test.ts'],
    target: CONSTRUCT_TARGET,
  },
  { name: 'agent-addon', mutate: ['lib/agent-addon.ts'], tests: ['test/agent-addon.test.ts', 'test/auto-mode.test.ts'], target: CONSTRUCT_TARGET },
  {
    // default-workload-objects: the default shape written out must equal what the cdk8s objects render; irsa-migration:
    // the objects of a workload moving off IRSA.
    name: 'workload',
    mutate: ['lib/workload.ts'],
    tests: ['test/workload.test.ts', 'test/private/default-workload-objects.test.ts', 'test/irsa-migration.test.ts', 'test/private/errors.test.ts', 'test/private/kubectl-manifest.test.ts'],
    target: CONSTRUCT_TARGET,
  },
  // The code that had no group before (issue 18): reports, GitOps, trust, registry, presets, add-ons, fleets.
  {
    name: 'report',
    mutate: ['lib/report/*.ts'],
    // Shortest first (static mutants run the files in this order until one kills them); the CLI's last.
    tests: ['test/report/model-roles-trust.test.ts', 'test/report/analyze-units.test.ts', 'test/report/intrinsics.test.ts', 'test/report/writers-assembly.test.ts', 'test/report/effective.test.ts', 'test/adversarial/report.test.ts', 'test/report/report.test.ts', 'test/report/recipe.test.ts', 'test/report/acknowledgements.test.ts', 'test/report/cli.test.ts'],
    target: VALIDATION_TARGET,
  },
  {
    name: 'gitops',
    mutate: ['lib/private/gitops*.ts', 'lib/delivery.ts'],
    tests: ['test/private/gitops-units.test.ts', 'test/private/gitops.test.ts', 'test/adversarial/gitops.test.ts', 'test/delivery.test.ts'],
    target: VALIDATION_TARGET,
  },
  {
    // role.test.ts: the messages of the trust conditions a role is given (mergeConditions, checkTrustConditions). The
    // registry's readers are the checks and constructs: the tests of what reads each record (IRSA trusts, presets,
    // add-ons, agent add-ons, target roles, stack units, logical ids).
    name: 'private',
    mutate: ['lib/private/trust.ts', 'lib/private/registry.ts'],
    tests: ['test/private/trust.test.ts', 'test/private/registry.test.ts', 'test/role.test.ts', 'test/private/workload-objects.test.ts', 'test/adversarial/trust.test.ts', 'test/adversarial/ordering.test.ts',
      'test/irsa-migration.test.ts', 'test/adversarial/irsa.test.ts', 'test/adversarial/presets.test.ts', 'test/addon.test.ts', 'test/agent-addon.test.ts',
      'test/association-wiring.test.ts', 'test/checks/cross-account-role.test.ts', 'test/checks/scoped-role-across-stacks.test.ts',
      'test/checks/stack-limit-exceeded.test.ts', 'test/checks/duplicate-addon.test.ts', 'test/checks/duplicate-agent-addon.test.ts'],
    target: VALIDATION_TARGET,
  },
  {
    name: 'policies',
    mutate: ['lib/policies/*.ts'],
    // statements.test.ts first: it kills the static mutants of the presets' action and ARN tables in seconds.
    // acknowledgements.test.ts: every preset's WildcardResourceOnWrite findings are acknowledged with the upstream reason.
    // attach.test.ts: how a preset is cut into policies and acknowledged (hand-made definitions, no IAM catalogue).
    tests: ['test/policies/statements.test.ts', 'test/policies/scopes.test.ts', 'test/policies/attach.test.ts', 'test/policies/prometheus-secrets-velero.test.ts',
      'test/policies/presets.test.ts', 'test/policies/well-known-policy.test.ts', 'test/adversarial/presets.test.ts', 'test/report/acknowledgements.test.ts'],
    target: VALIDATION_TARGET,
  },
  { name: 'addon', mutate: ['lib/addon.ts'], tests: ['test/addon.test.ts'], target: VALIDATION_TARGET },
  {
    name: 'fleet',
    mutate: ['lib/fleet.ts', 'lib/fleet-spec.ts'],
    tests: ['test/fleet.test.ts', 'test/fleet-yaml.test.ts', 'test/adversarial/fleet.test.ts', 'test/checks/stack-limit-exceeded.test.ts'],
    target: VALIDATION_TARGET,
  },
];

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

function main() {
  const reportOnly = process.argv.includes('--report');
  const filesAt = process.argv.indexOf('--files');
  const onlyFiles = filesAt < 0 ? undefined : (process.argv[filesAt + 1] ?? '').split(',').filter(file => file !== '');
  const wanted = reportOnly ? [] : process.argv.slice(2).filter((arg, i) => arg !== '--files' && i !== filesAt - 1);
  if (onlyFiles !== undefined) {
    const owner = wanted.length === 1 ? GROUPS.find(g => g.name === wanted[0]) : undefined;
    const strangers = owner === undefined ? onlyFiles : onlyFiles.filter(file => groupOf(file) !== owner);
    if (onlyFiles.length === 0 || owner === undefined || strangers.length > 0) {
      const problem = owner === undefined ? `name exactly one group with it (named: ${wanted.join(', ') || 'none'})`
        : onlyFiles.length === 0 ? 'no file given' : `not in group ${owner.name}: ${strangers.join(', ')}`;
      console.error(`mutation: --files takes a comma-separated list of files of one group: ${problem}`);
      process.exit(2);
    }
  }
  const unknown = wanted.filter(name => !GROUPS.some(g => g.name === name));
  if (unknown.length > 0) {
    console.error(`mutation: unknown group(s) ${unknown.join(', ')}; groups: ${GROUPS.map(g => g.name).join(', ')}`);
    process.exit(2);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const durations = readJson(path.join(OUT, 'durations.json')) ?? {};
  for (const group of reportOnly ? [] : GROUPS.filter(g => wanted.length === 0 || wanted.includes(g.name))) {
    const started = Date.now();
    runGroup(group, onlyFiles);
    durations[group.name] = Math.round((Date.now() - started) / 1000);
    fs.writeFileSync(path.join(OUT, 'durations.json'), JSON.stringify(durations, undefined, 2));
    console.log(`⏱  mutation ${group.name}: ${durations[group.name]}s`);
  }
  const { markdown, failures } = report(durations);
  fs.writeFileSync(path.join(ROOT, REPORT_FILE), markdown);
  console.log(`mutation: wrote ${REPORT_FILE}`);
  if (failures.length > 0) {
    console.error(`mutation: ${failures.join('; ')}`);
    process.exit(1);
  }
}

function runGroup(group, onlyFiles) {
  const existing = group.tests.filter(file => fs.existsSync(path.join(ROOT, file)));
  forgetSurvivors(path.join(OUT, `${group.name}.incremental.json`));
  const config = {
    ...readJson(path.join(ROOT, 'stryker.config.json')),
    mutate: onlyFiles ?? group.mutate,
    incrementalFile: path.join('reports', 'mutation', `${group.name}.incremental.json`),
    force: process.env.MUTATION_FULL === '1',
    ...(process.env.MUTATION_CONCURRENCY ? { concurrency: Number(process.env.MUTATION_CONCURRENCY) } : {}),
    reporters: ['progress', 'json'],
    jsonReporter: { fileName: path.join('reports', 'mutation', `${group.name}.json`) },
  };
  config.jest = {
    ...config.jest,
    config: {
      testMatch: existing.map(file => `<rootDir>/${file}`),
      // Stryker turns off coverage and reporters itself; the tsconfig's isolatedModules already makes ts-jest
      // transpile only. What costs is loading test files none of whose tests cover the mutant (the sequencer skips
      // them), and running the tests after the one that killed the mutant (the environment skips them).
      testSequencer: path.join(ROOT, '.ci', 'mutation-sequencer.cjs'),
      ...(config.disableBail ? {} : {
        testEnvironment: path.join(ROOT, '.ci', 'mutation-environment.cjs'),
        runner: path.join(ROOT, '.ci', 'mutation-runner.cjs'),
      }),
    },
  };
  const testNamesFile = path.join(OUT, `${group.name}.tests.json`);
  fs.writeFileSync(testNamesFile, JSON.stringify(testNamesByFile(existing), undefined, 2));
  const configFile = path.join(OUT, `${group.name}.stryker.config.json`);
  fs.writeFileSync(configFile, JSON.stringify(config, undefined, 2));
  console.log(`mutation ${group.name}: mutating ${(onlyFiles ?? group.mutate).join(', ')} against ${existing.join(', ')}`);
  const result = spawnSync(process.execPath, [modulePath('@stryker-mutator/core/bin/stryker.js'), 'run', configFile], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...ENV, MUTATION_TEST_NAMES: testNamesFile, MUTATION_TEST_ORDER: JSON.stringify(existing) },
  });
  if (result.status !== 0) {
    console.error(`mutation: Stryker failed for group ${group.name} (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
  // Stryker's report also carries the other files of the incremental file, without the survivors forgetSurvivors
  // dropped (they would read as 100%): a run of some files reports those files only.
  if (onlyFiles !== undefined) {
    const reportFile = path.join(OUT, `${group.name}.json`);
    const json = readJson(reportFile);
    const wanted = new Set(onlyFiles.map(file => path.relative(ROOT, path.resolve(ROOT, file))));
    json.files = Object.fromEntries(Object.entries(json.files).filter(([file]) => wanted.has(path.relative(ROOT, path.resolve(ROOT, file)))));
    fs.writeFileSync(reportFile, JSON.stringify(json));
  }
}

/** The group that mutates a file: the one naming it, else the first whose directory glob holds it and does not exclude it. */
function groupOf(file) {
  const relative = path.relative(ROOT, path.resolve(ROOT, file));
  const matches = pattern => pattern.endsWith('*.ts')
    ? path.dirname(relative) === path.dirname(pattern) && relative.endsWith('.ts') && path.basename(relative).startsWith(path.basename(pattern).slice(0, -4))
    : pattern === relative;
  return GROUPS.find(g => g.mutate.includes(relative))
    ?? GROUPS.find(g => g.mutate.some(matches) && !g.mutate.includes(`!${relative}`));
}

/**
 * Incremental mode reuses a result while the mutant's code and its covering tests are unchanged; it does not retest
 * a surviving static mutant (one that runs at module load, covered by every test) when a new test is added. So the
 * survivors are always retested, and only the kills are reused.
 */
function forgetSurvivors(incrementalFile) {
  const incremental = readJson(incrementalFile);
  if (!incremental) return;
  for (const file of Object.values(incremental.files)) {
    file.mutants = file.mutants.filter(m => !UNDETECTED.has(m.status));
  }
  fs.writeFileSync(incrementalFile, JSON.stringify(incremental));
}

/** The full name of every test per test file (relative path), as jest's testNamePattern matches them. */
function testNamesByFile(testFiles) {
  const output = path.join(OUT, 'collected-tests.json');
  const result = spawnSync(process.execPath, [modulePath('jest/bin/jest.js'), '--collectTests', '--json', `--outputFile=${output}`,
    '--coverage=false', '--runTestsByPath', ...testFiles], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: ENV });
  if (result.status !== 0) {
    console.error(`${result.stderr}\nmutation: collecting the tests of ${testFiles.join(', ')} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
  const names = {};
  for (const suite of readJson(output).testResults) {
    names[path.relative(ROOT, suite.name)] = suite.assertionResults.map(test => test.fullName);
  }
  fs.rmSync(output);
  return names;
}

function modulePath(specifier) {
  return path.join(ROOT, 'node_modules', specifier);
}

function readJson(file) {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

/** The source text a mutant replaces (the report's lines and columns are 1-based). */
function originalOf(source, location) {
  const lines = source.split('\n');
  const { start, end } = location;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  return [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)].join('\n');
}

/**
 * A group's result: from its Stryker report when this checkout ran it (and then written to RESULTS_DIR), else the
 * one kept in RESULTS_DIR; undefined when neither exists.
 */
function groupResult(group, durations) {
  const kept = path.join(ROOT, RESULTS_DIR, `${group.name}.json`);
  const reportFile = path.join(OUT, `${group.name}.json`);
  const json = readJson(reportFile);
  if (!json) return readJson(kept);
  const previous = readJson(kept);
  const reportTime = fs.statSync(reportFile).mtime.toISOString().slice(0, 16).replace('T', ' ');
  if (previous && previous.reportTime === reportTime) return previous;
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  // A run of some of the group's files (--files) leaves the other files' last results as they were.
  const files = Object.fromEntries(Object.entries(previous?.files ?? {})
    .filter(([file]) => groupOf(file) === group)
    .map(([file, result]) => [file, { ranAt: `${previous.date} at ${previous.commit}`, ...result }]));
  for (const [file, { source, mutants }] of Object.entries(json.files)) {
    const relative = path.relative(ROOT, path.resolve(ROOT, file));
    // A report can carry files a group no longer mutates (e.g. after a file moved to a group of its own).
    if (groupOf(relative) !== group) continue;
    const counts = {};
    for (const mutant of mutants) counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
    const lines = source.split('\n');
    const undetected = mutants.filter(m => UNDETECTED.has(m.status)).map(m => ({
      mutatorName: m.mutatorName, replacement: m.replacement ?? '', status: m.status, location: m.location,
      original: originalOf(source, m.location), line: lines[m.location.start.line - 1],
    }));
    files[relative] = { ranAt: `${reportTime.slice(0, 10)} at ${commit}`, counts, undetected };
  }
  const summary = { group: group.name, date: reportTime.slice(0, 10), reportTime, commit, seconds: durations[group.name], files };
  fs.mkdirSync(path.dirname(kept), { recursive: true });
  fs.writeFileSync(kept, JSON.stringify(summary, undefined, 1) + '\n');
  return summary;
}

const oneLine = text => text.replace(/\s+/g, ' ').trim();
const short = text => {
  const flat = oneLine(text);
  return flat.length > 90 ? `${flat.slice(0, 87)}...` : flat;
};
const code = text => `\`${short(text).replace(/`/g, 'ˋ')}\``;

function report(durations) {
  const equivalents = readJson(path.join(ROOT, EQUIVALENTS_FILE)) ?? [];
  const used = new Set();
  // Matched by the source line's text rather than its number, so reasons survive edits elsewhere in the file.
  const reasonOf = (file, mutant, original, line) => {
    const index = equivalents.findIndex(e => e.file === file && e.mutator === mutant.mutatorName && oneLine(e.line) === oneLine(line)
      && oneLine(e.original) === oneLine(original) && oneLine(e.replacement) === oneLine(mutant.replacement));
    if (index < 0) return undefined;
    used.add(index);
    return equivalents[index].reason;
  };

  const rows = [];
  const survivorSections = [];
  const failures = [];
  const ranAt = {};
  for (const group of GROUPS) {
    const summary = groupResult(group, durations);
    if (!summary) {
      rows.push(`| ${group.mutate.join(', ')} | not run | | | | | | | ${group.target}% |`);
      continue;
    }
    // Files of a group can have been run at different times (--files).
    const runs = [...new Set(Object.values(summary.files).map(file => file.ranAt ?? `${summary.date} at ${summary.commit}`))].sort();
    ranAt[group.name] = { at: runs.join(', '), seconds: summary.seconds };
    for (const [relative, { counts, undetected: listed }] of Object.entries(summary.files).sort(([a], [b]) => a.localeCompare(b))) {
      const count = status => counts[status] ?? 0;
      const total = statuses => [...statuses].reduce((sum, status) => sum + count(status), 0);
      const detected = total(DETECTED);
      const valid = detected + total(UNDETECTED);
      const undetected = listed
        .map(mutant => ({ mutant, original: mutant.original, reason: reasonOf(relative, mutant, mutant.original, mutant.line) }))
        .sort((a, b) => a.mutant.location.start.line - b.mutant.location.start.line || a.mutant.location.start.column - b.mutant.location.start.column);
      const equivalent = undetected.filter(u => u.reason !== undefined).length;
      const score = valid === 0 ? 100 : (100 * detected) / valid;
      const adjusted = valid === equivalent ? 100 : (100 * detected) / (valid - equivalent);
      rows.push(`| ${relative} | ${valid} | ${count('Killed')} | ${count('Timeout')} | ${count('Survived')} | ${count('NoCoverage')} | ${equivalent} | **${score.toFixed(1)}%** (${adjusted.toFixed(1)}%) | ${group.target}% |`);
      if (adjusted < group.target) failures.push(`${relative} scores ${adjusted.toFixed(1)}% without equivalent mutants < ${group.target}%`);
      const unexplained = undetected.filter(u => u.reason === undefined);
      if (unexplained.length > 0) failures.push(`${relative} has ${unexplained.length} unexplained survivor(s)`);
      if (undetected.length > 0) {
        survivorSections.push(`### ${relative}\n`);
        for (const { mutant, original, reason } of undetected) {
          const where = `L${mutant.location.start.line}`;
          const what = `${mutant.mutatorName}: ${code(original)} → ${code(mutant.replacement ?? '')}`;
          const status = mutant.status === 'NoCoverage' ? ' (no coverage)' : '';
          survivorSections.push(`- ${where} ${what}${status}: ${reason ?? '**unexplained: needs a test or a reason in ' + EQUIVALENTS_FILE + '**'}`);
        }
        survivorSections.push('');
      }
    }
  }
  const stale = equivalents.filter((_, i) => !used.has(i));
  const totalSeconds = Object.values(ranAt).reduce((sum, { seconds }) => sum + (seconds ?? 0), 0);
  const markdown = [
    '# Mutation testing',
    '',
    'Written by `npx projen mutation` (.ci/mutation.mjs, StrykerJS 8, jest runner, `perTest` coverage). Not part of CI.',
    'Each group of source files is mutated and tested only against the test files about it:',
    '',
    ...GROUPS.map(g => `- \`${g.name}\`: ${g.mutate.join(', ')} ← ${g.tests.join(', ')} (${ranAt[g.name] !== undefined ? `${ranAt[g.name].seconds ?? '?'} s, run ${ranAt[g.name].at}` : 'not run'})`),
    '',
    `Sum of the groups' last run times: ${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s (a run may have been incremental: it retests`,
    'only survivors and mutants whose code or tests changed; `MUTATION_FULL=1` retests all). A mutant runs only the test',
    'files that hold a test covering it (.ci/mutation-sequencer.cjs), in the order the group lists them, and stops at',
    'its first failing test (.ci/mutation-environment.cjs, .ci/mutation-runner.cjs), as Stryker\'s default bail would.',
    `Each group's result (counts and undetected mutants) is kept in ${RESULTS_DIR}/, with the date and commit it ran at.`,
    '',
    '## Score per file',
    '',
    'Score = detected (killed + timeout) / (killed + timeout + survived + no coverage). In parentheses: the score with',
    'the equivalent mutants (survivors listed below with a reason) left out, as Stryker leaves out mutants disabled with',
    'a reason in the code; the target applies to it.',
    '',
    '| File | Mutants | Killed | Timeout | Survived | No coverage | Equivalent | Score | Target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '## Survivors and why they may survive',
    '',
    'Equivalent mutants: no test can tell them from the original, because the program behaves the same. Their reasons',
    `live in ${EQUIVALENTS_FILE}, matched by file, mutator, original text and replacement.`,
    '',
    ...(survivorSections.length > 0 ? survivorSections : ['None.', '']),
    ...(stale.length > 0
      ? ['## Reasons no longer used', '', `Entries of ${EQUIVALENTS_FILE} that matched no survivor (the code changed or a test kills them now):`, '',
        ...stale.map(e => `- ${e.file}: ${e.mutator}: ${code(e.original)} → ${code(e.replacement)}`), '']
      : []),
  ].join('\n');
  return { markdown, failures };
}

main();
