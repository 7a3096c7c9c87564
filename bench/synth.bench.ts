// Synthesis benchmark: N workloads on one cluster, this library vs plain aws-cdk-lib, in two scenarios: `lean`
// (lean.ts: the library's own cost, the headline) and `shared` (variants.ts: cross-stack grants; the by-hand app
// and aws-cdk-lib's own ServiceAccount with IdentityType.POD_IDENTITY; imported and new clusters).
//
//   npx projen bench                      # full run of both, rewrites bench/results.md (~25-35 min on 2 cores)
//   npx projen bench -- --quick           # lean N = 100, shared N = 1, 10, 100; one round; prints only
//   npx projen bench -- --scenarios lean --write                     # the lean scenario only, its section rewritten
//   npx projen bench -- --scenarios shared --sizes 1000 --rounds 1 --clusters imported    # a subset, prints only
//   npx projen bench -- --profile lean library imported 1000   # writes a .cpuprofile to bench/profiles/
//   npx projen bench -- --scenarios shared --sizes 1000 --variants library,by-hand --baseline cdk-eks-pod-identity-1.2.3.tgz
//                                         # also runs an earlier build of the library (a packed tarball or an unpacked
//                                         # package folder) as the `baseline` variant: is this build worse? prints only
//
// Every measurement is one child process building and synthesizing one app (after a small warm-up app, so module
// loading and JIT warm-up are not counted); cases are interleaved round by round, and medians are reported.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { LEAN_BUILDERS, LEAN_NAMESPACES, LEAN_PLATFORM_STACK, LEAN_WORKLOADS_PER_STACK, LeanVariant, leanStackCountFor } from './lean';
import { BUILDERS, CLUSTER_KINDS, ClusterKind, PLATFORM_STACK, stackCountFor, Variant, VARIANTS, WORKLOADS_PER_STACK } from './variants';

/**
 * `shared`: the original scenario (every grant a cross-stack reference to the platform's table, 50 workloads per
 * stack, a namespace per workload), on an imported and a new cluster, three variants. `lean`: where shared costs do
 * not hide the library's own (see lean.ts), library and by-hand only, on an imported cluster.
 */
type Scenario = 'shared' | 'lean';
const SCENARIOS: Scenario[] = ['lean', 'shared'];
const LEAN_SIZES = [1000, 5000];
/** Lean rounds: one measurement at N = 1,000 varies by up to 10% on a shared machine; 9 medians hold within 2-3%. */
const LEAN_ROUNDS: { [n: number]: number } = { 1000: 9, 5000: 5 };
const LEAN_DEFAULT_ROUNDS = 5;

const SIZES = [1, 10, 100, 1000, 5000];
/** Rounds (one measurement of every case each): fewer at large N, where one run takes 15-25 s. */
const ROUNDS: { [n: number]: number } = { 1: 7, 10: 7, 100: 5, 1000: 5, 5000: 3 };
const WARM_UP_WORKLOADS = 10;

/** One measurement: one child process, one app. */
interface Sample {
  readonly scenario: Scenario;
  readonly variant: CaseVariant;
  readonly cluster: ClusterKind;
  readonly workloads: number;
  readonly constructMs: number;
  readonly synthMs: number;
  readonly wallMs: number;
  /** CPU time (user + system, all threads) of construct + synth. */
  readonly cpuMs: number;
  /** Peak resident set size of the child process (Node, modules, the warm-up and the measured app), MiB. */
  readonly peakRssMiB: number;
  /** V8 heap used after synthesis and a forced full GC, the app still referenced, MiB: stable run to run. */
  readonly heapAfterSynthMiB: number;
  readonly stacks: number;
  /** Bytes of the workload stacks' templates (the platform stack left out). */
  readonly workloadTemplateBytes: number;
  /** Resources of the workload stacks, CDKMetadata left out. */
  readonly workloadResources: number;
  readonly largestStackResources: number;
  readonly largestTemplateBytes: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Child: one measurement

function measure(scenario: Scenario, variant: Variant, cluster: ClusterKind, workloads: number): Sample {
  const build = (app: App, n: number) => scenario === 'lean'
    ? LEAN_BUILDERS[variant as LeanVariant](app, n)
    : BUILDERS[variant](app, cluster, n);
  const synthOnce = (n: number) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-identity-bench-'));
    // Version reporting on, as the CDK CLI does by default: the CDKMetadata resource counts against the quota.
    // Asset staging off: the new cluster's kubectl handler would be copied into every cdk.out (same for all).
    const app = new App({ outdir, analyticsReporting: true, context: { 'aws:cdk:disable-asset-staging': true } });
    return { app, outdir, n };
  };
  // Warm-up: loads every module lazily required and warms the JIT.
  const warm = synthOnce(WARM_UP_WORKLOADS);
  build(warm.app, warm.n);
  warm.app.synth();
  fs.rmSync(warm.outdir, { recursive: true, force: true });

  const run = synthOnce(workloads);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  build(run.app, workloads);
  const t1 = process.hrtime.bigint();
  const assembly = run.app.synth();
  const t2 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  gc();
  const heapAfterSynthMiB = process.memoryUsage().heapUsed / 2 ** 20;
  if (run.app.node.children.length === 0) throw new Error('the measured app must stay referenced until the heap is measured');

  let workloadTemplateBytes = 0;
  let workloadResources = 0;
  let largestStackResources = 0;
  let largestTemplateBytes = 0;
  const stacks = assembly.stacks.filter(s => s.stackName !== (scenario === 'lean' ? LEAN_PLATFORM_STACK : PLATFORM_STACK));
  for (const stack of stacks) {
    const bytes = fs.statSync(path.join(assembly.directory, stack.templateFile)).size;
    const resources = Object.values<any>(stack.template.Resources ?? {}).filter(r => r.Type !== 'AWS::CDK::Metadata').length;
    workloadTemplateBytes += bytes;
    workloadResources += resources;
    largestStackResources = Math.max(largestStackResources, resources + 1);
    largestTemplateBytes = Math.max(largestTemplateBytes, bytes);
  }
  fs.rmSync(run.outdir, { recursive: true, force: true });
  return {
    scenario,
    variant,
    cluster,
    workloads,
    constructMs: Number(t1 - t0) / 1e6,
    synthMs: Number(t2 - t1) / 1e6,
    wallMs: Number(t2 - t0) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMiB,
    heapAfterSynthMiB,
    stacks: stacks.length,
    workloadTemplateBytes,
    workloadResources,
    largestStackResources,
    largestTemplateBytes,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Parent: interleave the cases, take medians, report

const RESULT_PREFIX = 'BENCH_RESULT ';

function childArgs(extra: string[] = []): string[] {
  return [...extra, '--max-old-space-size=4096', '--expose-gc', '-r', 'ts-node/register/transpile-only', __filename];
}

/**
 * The library as its users get it: `npm pack` of the compiled package, unpacked into a `node_modules` folder under
 * bench/ (so it resolves the same aws-cdk-lib as the variants do, and the CDK folds its frames into
 * "...cdk-eks-pod-identity..." in the stack traces it records, as it does for aws-cdk-lib's own). Returns its folder.
 */
function packLibrary(): string {
  const root = path.join(__dirname, '..');
  const stale = staleCompiledFiles(path.join(root, 'lib'));
  if (stale.length > 0) {
    throw new Error(`bench: the compiled library is older than its source (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', ...' : ''}): run \`npx projen compile\` first (\`npx projen bench\` does)`);
  }
  const tarballs = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-identity-pack-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', tarballs], { cwd: root, encoding: 'utf-8' }).trim().split('\n').pop()!;
  const folder = path.join(__dirname, '.packed', 'node_modules', 'cdk-eks-pod-identity');
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  execFileSync('tar', ['xzf', path.join(tarballs, tarball), '-C', folder, '--strip-components=1']);
  fs.rmSync(tarballs, { recursive: true, force: true });
  return folder;
}

/** The TypeScript files of `dir` whose compiled .js is missing or older. */
function staleCompiledFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map(entry => path.join(entry.parentPath, entry.name))
    .filter(file => {
      const compiled = file.replace(/\.ts$/, '.js');
      return !fs.existsSync(compiled) || fs.statSync(compiled).mtimeMs < fs.statSync(file).mtimeMs;
    })
    .map(file => path.relative(dir, file));
}

/**
 * An earlier build of the library for `--baseline`: a tarball (`npm pack` of another commit, or of a published
 * version) unpacked beside the packed library, or an unpacked package folder. Returns the folder to load.
 */
function baselineLibrary(given: string): string {
  const source = path.resolve(given);
  if (!fs.existsSync(source)) throw new Error(`bench: --baseline ${given}: no such file or folder; give a tarball made by \`npm pack\` or an unpacked package folder`);
  // Copied under bench/ (without a node_modules of its own), so the baseline resolves the same aws-cdk-lib, constructs
  // and cdk8s as everything else: two copies of aws-cdk-lib would fail each other's instanceof checks.
  const folder = path.join(__dirname, '.packed', 'baseline', 'node_modules', 'cdk-eks-pod-identity');
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  if (fs.statSync(source).isDirectory()) {
    if (!fs.existsSync(path.join(source, 'lib', 'index.js'))) throw new Error(`bench: --baseline ${given}: the folder holds no compiled library (lib/index.js); give the folder of an unpacked package`);
    fs.cpSync(source, folder, { recursive: true, filter: file => path.basename(file) !== 'node_modules' });
  } else {
    execFileSync('tar', ['xzf', source, '-C', folder, '--strip-components=1']);
  }
  return folder;
}

let packedLibrary: string | undefined;
let baselineFolder: string | undefined;

function childEnv(variant?: CaseVariant): NodeJS.ProcessEnv {
  packedLibrary ??= packLibrary();
  const library = variant === 'baseline' ? baselineFolder! : packedLibrary;
  return { ...process.env, BENCH_LIBRARY: library, TS_NODE_PREFER_TS_EXTS: 'true', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };
}

function spawnMeasure(scenario: Scenario, variant: CaseVariant, cluster: ClusterKind, workloads: number): Sample {
  // The baseline is the library variant with the other build loaded.
  const built = variant === 'baseline' ? 'library' : variant;
  const child = spawnSync(process.execPath, [...childArgs(), '--child', scenario, built, cluster, String(workloads)], {
    cwd: path.join(__dirname, '..'),
    env: childEnv(variant),
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = child.stdout.split('\n').find(l => l.startsWith(RESULT_PREFIX));
  if (child.status !== 0 || !line) {
    throw new Error(`case ${scenario} ${variant}/${cluster} N=${workloads} failed (exit ${child.status}):\n${child.stderr.slice(-5000)}\n${child.stdout.slice(-2000)}`);
  }
  return { ...JSON.parse(line.slice(RESULT_PREFIX.length)), variant };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function packageVersion(name: string): string {
  return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf-8')).version;
}

const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** `baseline`: the library builder run with an earlier build of the library (`--baseline`). */
type CaseVariant = Variant | 'baseline';

interface Case {
  readonly scenario: Scenario;
  readonly variant: CaseVariant;
  readonly cluster: ClusterKind;
  readonly workloads: number;
  readonly samples: Sample[];
}

const med = (c: Case, key: keyof Sample) => median(c.samples.map(s => s[key] as number));

/** Where and how a run was made: the first line of each generated section. */
function runLine(elapsedS: number, loads: number[], args: string[]): string {
  return `Generated by \`npx projen bench${args.length ? ' -- ' + args.join(' ') : ''}\` on ${new Date().toISOString().slice(0, 10)}. `
    + `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.versions.node}, `
    + `aws-cdk-lib ${packageVersion('aws-cdk-lib')}, constructs ${packageVersion('constructs')}, cdk8s ${packageVersion('cdk8s')}, cdk8s-plus-28 ${packageVersion('cdk8s-plus-28')}. `
    + `Whole run: ${fmt(elapsedS / 60, 1)} min; load average ${loads.map(l => l.toFixed(2)).join(' → ')} `
    + '(wall times are noisy on a shared machine, CPU time and heap less so; every ratio compares medians of the same interleaved run).';
}

/** A median with the spread of the samples: `median (min–max)`. */
function spread(c: Case, key: keyof Sample): string {
  const values = c.samples.map(sample => sample[key] as number);
  return `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;
}

function leanReport(cases: Case[], run: string): string {
  const sizes = [...new Set(cases.map(c => c.workloads))].sort((a, b) => a - b);
  const ratio = (a: number, b: number) => fmt(a / b, 2);
  const rows: string[] = [
    '| N | stacks | CPU s: library / by-hand | **CPU ratio** | heap after synth MiB: library / by-hand | **heap ratio** | peak RSS MiB, median (min–max): library / by-hand | peak RSS ratio | bytes per workload: library / by-hand | resources per workload |',
    '|--:|--:|:--|--:|:--|--:|:--|--:|:--|:--|',
  ];
  for (const n of sizes) {
    const lib = cases.find(c => c.variant === 'library' && c.workloads === n);
    const hand = cases.find(c => c.variant === 'by-hand' && c.workloads === n);
    if (!lib || !hand) continue;
    const [l, h] = [lib.samples[0], hand.samples[0]];
    rows.push(`| ${fmt(n)} | ${l.stacks} | ${fmt(med(lib, 'cpuMs') / 1000, 2)} / ${fmt(med(hand, 'cpuMs') / 1000, 2)} | **${ratio(med(lib, 'cpuMs'), med(hand, 'cpuMs'))}** | `
      + `${fmt(med(lib, 'heapAfterSynthMiB'), 1)} / ${fmt(med(hand, 'heapAfterSynthMiB'), 1)} | **${ratio(med(lib, 'heapAfterSynthMiB'), med(hand, 'heapAfterSynthMiB'))}** | `
      + `${spread(lib, 'peakRssMiB')} / ${spread(hand, 'peakRssMiB')} | ${ratio(med(lib, 'peakRssMiB'), med(hand, 'peakRssMiB'))} | `
      + `${fmt(l.workloadTemplateBytes / n)} / ${fmt(h.workloadTemplateBytes / n)} | ${fmt(l.workloadResources / n, 2)} / ${fmt(h.workloadResources / n, 2)} |`);
  }
  const rounds = [...new Set(cases.map(c => `N=${fmt(c.workloads)}: ${c.samples.length}`))].join(', ');
  return [
    '## Lean scenario (headline): the library\'s own cost',
    '',
    run,
    '',
    `An imported \`aws_eks_v2\` cluster whose agent is already installed, ${LEAN_WORKLOADS_PER_STACK} workloads per stack, the DynamoDB table `
      + `imported by name in each stack (no cross-stack reference), ${LEAN_NAMESPACES} namespaces created once by a \`cluster.addManifest\` `
      + 'in the platform stack and used with `createNamespace: false`. **library**: `new PodIdentityBoundWorkload(...)` and '
      + '`table.grantReadWriteData(workload)`; **by-hand**: the same role trust (this cluster\'s ARN, namespace and service account), '
      + 'the same grant, a `CfnPodIdentityAssociation` and one `KubernetesManifest` with the same objects, after the namespaces. '
      + 'Each measurement is a fresh process (construct + synth after a 10-workload warm-up, the library loaded from its packed '
      + 'tarball). CPU is user + system time of construct + synth; heap is `process.memoryUsage().heapUsed` after synthesis '
      + 'and two forced full GCs with the app still referenced (stable run to run); peak RSS is bimodal run to run for both '
      + `apps (where V8 places its mark-compact), so it is shown with its spread. Rounds: ${rounds}, interleaved, medians.`,
    '',
    ...rows,
    '',
  ].join('\n');
}

function sharedReport(cases: Case[], run: string): string {
  const find = (variant: Variant, cluster: ClusterKind, n: number) =>
    cases.find(c => c.variant === variant && c.cluster === cluster && c.workloads === n);
  const sizes = [...new Set(cases.map(c => c.workloads))].sort((a, b) => a - b);
  const clusters = CLUSTER_KINDS.filter(k => cases.some(c => c.cluster === k));
  const ratio = (a: number, b: number) => fmt(a / b, 2);

  const summary: string[] = [
    '| cluster | N | stacks | library CPU s | library wall s | library peak RSS MiB | CPU ratio vs by-hand / vs aws-cdk-lib | peak RSS ratio vs by-hand / vs aws-cdk-lib | bytes per workload: library / by-hand / aws-cdk-lib | resources per workload: library / by-hand / aws-cdk-lib |',
    '|:--|--:|--:|--:|--:|--:|:--|:--|:--|:--|',
  ];
  const detail: string[] = [
    '| cluster | N | variant | runs | construct ms | synth ms | wall ms | CPU ms | peak RSS MiB | stacks | largest stack: resources / bytes | template bytes / workload | resources / workload |',
    '|:--|--:|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const cluster of clusters) {
    for (const n of sizes) {
      const lib = find('library', cluster, n);
      const hand = find('by-hand', cluster, n);
      const native = find('aws-cdk-lib', cluster, n);
      for (const c of [lib, hand, native]) {
        if (!c) continue;
        const s = c.samples[0];
        detail.push(`| ${cluster} | ${fmt(n)} | ${c.variant} | ${c.samples.length} | ${fmt(med(c, 'constructMs'))} | ${fmt(med(c, 'synthMs'))} | `
          + `${fmt(med(c, 'wallMs'))} | ${fmt(med(c, 'cpuMs'))} | ${fmt(med(c, 'peakRssMiB'))} | ${s.stacks} | ${s.largestStackResources} / ${fmt(s.largestTemplateBytes)} | `
          + `${fmt(s.workloadTemplateBytes / n)} | ${fmt(s.workloadResources / n, 2)} |`);
      }
      if (!lib || !hand) continue;
      const l = lib.samples[0];
      summary.push(`| ${cluster} | ${fmt(n)} | ${l.stacks} | ${fmt(med(lib, 'cpuMs') / 1000, 2)} | ${fmt(med(lib, 'wallMs') / 1000, 2)} | ${fmt(med(lib, 'peakRssMiB'))} | `
        + `**${ratio(med(lib, 'cpuMs'), med(hand, 'cpuMs'))}** / ${native ? ratio(med(lib, 'cpuMs'), med(native, 'cpuMs')) : '–'} | `
        + `**${ratio(med(lib, 'peakRssMiB'), med(hand, 'peakRssMiB'))}** / ${native ? ratio(med(lib, 'peakRssMiB'), med(native, 'peakRssMiB')) : '–'} | `
        + `${fmt(l.workloadTemplateBytes / n)} / ${fmt(hand.samples[0].workloadTemplateBytes / n)} / ${native ? fmt(native.samples[0].workloadTemplateBytes / n) : '–'} | `
        + `${fmt(l.workloadResources / n, 2)} / ${fmt(hand.samples[0].workloadResources / n, 2)} / ${native ? fmt(native.samples[0].workloadResources / n, 2) : '–'} |`);
    }
  }
  const rounds = [...new Set(cases.map(c => `N=${fmt(c.workloads)}: ${c.samples.length}`))].join(', ');
  return [
    '## Shared scenario: cross-stack grants, 50 workloads per stack, a namespace per workload',
    '',
    run,
    '',
    `Every variant places the workloads in the same stacks: the fleet's hash placement with ${WORKLOADS_PER_STACK} workloads `
      + 'per stack on average (`stackCount` = ceil(N / 50); aws-cdk-lib refuses stacks over 500 resources and its own variant makes 6 per workload), next to a platform stack holding the cluster (an imported '
      + '`aws_eks_v2` cluster with an existing kubectl provider, or a new one) and a DynamoDB table. Each workload: a '
      + 'Namespace, ServiceAccount and Deployment (one container, port, `HOME` and `TABLE_NAME` env vars, hardened security '
      + 'context, `/tmp` volume), an IAM role trusted by `pods.eks.amazonaws.com` with read/write on the table, and the Pod '
      + 'Identity association after the role\'s policy and the agent add-on (one per cluster).',
    '',
    '- **library**: `WorkloadFleet.addWorkload()` (a `PodIdentityBoundWorkload` each) and `table.grantReadWriteData(workload)`.',
    '- **by-hand**: aws-cdk-lib alone, written out: `iam.Role` + `CfnPodIdentityAssociation` + one `KubernetesManifest` with the same objects.',
    '- **aws-cdk-lib**: aws-cdk-lib\'s own `eks_v2.ServiceAccount` with `IdentityType.POD_IDENTITY` (role, association, ServiceAccount '
      + 'manifest), plus a Namespace manifest before it and a Deployment manifest after it (so 6 resources per workload).',
    '',
    'The library is loaded as users install it: the compiled package, packed with `npm pack` and unpacked into a '
      + '`node_modules` folder (the variants themselves are TypeScript, run with ts-node). '
      + `Each measurement is a fresh child process (\`node -r ts-node/register/transpile-only\`) that synthesizes a ${WARM_UP_WORKLOADS}-workload `
      + 'warm-up app first (module loading and JIT warm-up are not counted), then builds and synthesizes the measured app '
      + 'once: construct + `app.synth()` wall and CPU time (`process.cpuUsage`), and the peak RSS of the process '
      + `(\`process.resourceUsage().maxRSS\`: includes Node, the modules and the warm-up). Rounds: ${rounds}; in each round `
      + 'every case runs once, in alternating order, and the table shows medians. Template bytes and resources are those '
      + 'of the workload stacks (the platform stack and CDKMetadata left out), divided by N.',
    '',
    '### Summary: ratios of the library to plain aws-cdk-lib (target: <= 1.00)',
    '',
    ...summary,
    '',
    '### All cases (medians)',
    '',
    ...detail,
    '',
  ].join('\n');
}

/** This build of the library against the baseline build, case by case (medians of the same interleaved run). */
function baselineReport(cases: Case[], baseline: string): string {
  const ratio = (a: number, b: number) => fmt(a / b, 2);
  const rows = [
    '',
    `### This build vs the baseline (${baseline})`,
    '',
    '| scenario | cluster | N | CPU ms: this / baseline | **CPU ratio** | heap after synth MiB: this / baseline | heap ratio | construct ms: this / baseline | synth ms: this / baseline | CPU ratio vs by-hand: this / baseline |',
    '|:--|:--|--:|:--|--:|:--|--:|:--|:--|:--|',
  ];
  for (const base of cases.filter(c => c.variant === 'baseline')) {
    const same = (variant: CaseVariant) => cases.find(c =>
      c.variant === variant && c.scenario === base.scenario && c.cluster === base.cluster && c.workloads === base.workloads);
    const lib = same('library')!;
    const hand = same('by-hand');
    const vsHand = hand ? `${ratio(med(lib, 'cpuMs'), med(hand, 'cpuMs'))} / ${ratio(med(base, 'cpuMs'), med(hand, 'cpuMs'))}` : '–';
    rows.push(`| ${base.scenario} | ${base.cluster} | ${fmt(base.workloads)} | ${fmt(med(lib, 'cpuMs'))} / ${fmt(med(base, 'cpuMs'))} | **${ratio(med(lib, 'cpuMs'), med(base, 'cpuMs'))}** | `
      + `${fmt(med(lib, 'heapAfterSynthMiB'), 1)} / ${fmt(med(base, 'heapAfterSynthMiB'), 1)} | ${ratio(med(lib, 'heapAfterSynthMiB'), med(base, 'heapAfterSynthMiB'))} | `
      + `${fmt(med(lib, 'constructMs'))} / ${fmt(med(base, 'constructMs'))} | ${fmt(med(lib, 'synthMs'))} / ${fmt(med(base, 'synthMs'))} | ${vsHand} |`);
  }
  return rows.join('\n') + '\n';
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The generated section of one scenario in results.md, between its markers. */
const marker = (scenario: Scenario) => [`<!-- bench:${scenario} -->`, `<!-- /bench:${scenario} -->`];

/** results.md with the sections of the scenarios that ran replaced; the others and the History kept. */
function updatedResults(previous: string, sections: Map<Scenario, string>): string {
  const historyAt = previous.indexOf('\n## History');
  const history = historyAt >= 0 ? previous.slice(historyAt + 1) : '';
  const kept = (scenario: Scenario) => {
    const [open, close] = marker(scenario);
    const from = previous.indexOf(open);
    const to = previous.indexOf(close);
    return from >= 0 && to > from ? previous.slice(from + open.length, to).trim() : undefined;
  };
  const parts = ['# Synthesis benchmark results', ''];
  for (const scenario of SCENARIOS) {
    const text = sections.get(scenario) ?? kept(scenario);
    if (text === undefined) continue;
    const [open, close] = marker(scenario);
    parts.push(open, text.trim(), close, '');
  }
  return parts.join('\n') + (history ? '\n' + history : '');
}

function main() {
  // `npx projen bench -- --quick` passes the `--` on: options follow it.
  const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
  if (args[0] === '--child') {
    const sample = measure(args[1] as Scenario, args[2] as Variant, args[3] as ClusterKind, Number(args[4]));
    process.stdout.write(RESULT_PREFIX + JSON.stringify(sample) + '\n');
    return;
  }
  if (args[0] === '--profile') {
    // --profile <scenario> <variant> <cluster> <N>
    const [scenario, variant, cluster, n] = args.slice(1);
    if (!(VARIANTS as string[]).includes(variant)) throw new Error(`bench: --profile: unknown variant ${variant}; one of ${VARIANTS.join(', ')}`);
    const dir = path.join(__dirname, 'profiles');
    fs.mkdirSync(dir, { recursive: true });
    const child = spawnSync(process.execPath, [...childArgs(['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${scenario}-${variant}-${cluster}-${n}.cpuprofile`]), '--child', scenario, variant, cluster, n], {
      cwd: path.join(__dirname, '..'), env: childEnv(), encoding: 'utf-8', stdio: 'inherit',
    });
    process.exit(child.status ?? 1);
  }
  const quick = args.includes('--quick');
  const scenarios = (option(args, '--scenarios')?.split(',') ?? SCENARIOS) as Scenario[];
  const sizesOption = option(args, '--sizes')?.split(',').map(Number);
  const clusters = (option(args, '--clusters')?.split(',') ?? CLUSTER_KINDS) as ClusterKind[];
  const variants = (option(args, '--variants')?.split(',') ?? VARIANTS) as Variant[];
  const roundsOverride = option(args, '--rounds') ?? (quick ? '1' : undefined);
  // A full run (or --write) rewrites the sections of the scenarios that ran in results.md.
  const full = (!quick && args.length === 0) || args.includes('--write');
  const baseline = option(args, '--baseline');
  if (baseline !== undefined && full) throw new Error('bench: --baseline compares two builds of the library and prints only; run it without --write');
  if (baseline !== undefined) baselineFolder = baselineLibrary(baseline);
  // With --baseline, every library case runs once more with the baseline build.
  const withBaseline = (list: CaseVariant[]): CaseVariant[] => baseline !== undefined && list.includes('library') ? [...list, 'baseline'] : list;

  const start = process.hrtime.bigint();
  const loads = [os.loadavg()[0]];
  const cases: Case[] = [];
  const roundsOf = (c: Case) => Number(roundsOverride ?? (c.scenario === 'lean' ? LEAN_ROUNDS[c.workloads] ?? LEAN_DEFAULT_ROUNDS : ROUNDS[c.workloads] ?? 3));
  if (scenarios.includes('lean')) {
    for (const n of sizesOption ?? (quick ? [100] : LEAN_SIZES)) {
      for (const variant of withBaseline(variants.filter(v => v !== 'aws-cdk-lib'))) cases.push({ scenario: 'lean', variant, cluster: 'imported', workloads: n, samples: [] });
    }
  }
  if (scenarios.includes('shared')) {
    for (const n of sizesOption ?? (quick ? [1, 10, 100] : SIZES)) {
      for (const cluster of clusters) for (const variant of withBaseline(variants)) cases.push({ scenario: 'shared', variant, cluster, workloads: n, samples: [] });
    }
  }
  const maxRounds = Math.max(...cases.map(roundsOf));
  for (let round = 0; round < maxRounds; round++) {
    // Alternate the order every round, so no variant always runs first (after an idle moment) or last.
    const order = round % 2 === 0 ? cases : [...cases].reverse();
    for (const c of order) {
      if (c.samples.length >= roundsOf(c)) continue;
      const stacks = c.scenario === 'lean' ? leanStackCountFor(c.workloads) : stackCountFor(c.workloads);
      process.stderr.write(`round ${round + 1}: ${c.scenario} ${c.variant}/${c.cluster} N=${c.workloads} (${stacks} stacks)...`);
      const sample = spawnMeasure(c.scenario, c.variant, c.cluster, c.workloads);
      process.stderr.write(` ${fmt(sample.wallMs)} ms wall, ${fmt(sample.cpuMs)} ms CPU, ${fmt(sample.peakRssMiB)} MiB peak, ${fmt(sample.heapAfterSynthMiB, 1)} MiB heap\n`);
      c.samples.push(sample);
    }
    loads.push(os.loadavg()[0]);
  }
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  const run = runLine(elapsedS, loads, args);
  const sections = new Map<Scenario, string>();
  const measured = cases.filter(c => c.variant !== 'baseline');
  const lean = measured.filter(c => c.scenario === 'lean');
  const shared = measured.filter(c => c.scenario === 'shared');
  if (lean.length > 0) sections.set('lean', leanReport(lean, run));
  if (shared.length > 0) sections.set('shared', sharedReport(shared, run));
  process.stdout.write([...sections.values()].join('\n'));
  if (baseline !== undefined) process.stdout.write(baselineReport(cases, baseline));
  if (full) {
    const file = path.join(__dirname, 'results.md');
    const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : '';
    fs.writeFileSync(file, updatedResults(previous, sections));
    process.stderr.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  }
}

main();
