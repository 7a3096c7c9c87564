// Synthesis benchmark: N PodIdentityBoundWorkloads on one cluster vs plain aws-cdk-lib doing the same job by hand.
//
//   npx ts-node --prefer-ts-exts bench/synth.bench.ts            # full run, writes bench/results.md
//   npx ts-node --prefer-ts-exts bench/synth.bench.ts --quick    # N = 1, 10 only, fewer runs, no results.md
//
// Every (variant, N) case runs in a child process of its own, one after the other, so that peak RSS belongs to that
// case alone and no case warms the JIT for the next. See bench/README.md for how to read the output.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityBoundWorkload } from '../lib';

type Variant = 'library' | 'by-hand';

const WORKLOAD_COUNTS = [1, 10, 50];
const QUICK_WORKLOAD_COUNTS = [1, 10];
/** Measured runs per case (after one warm-up run that is not counted). */
const RUNS: { [n: number]: number } = { 1: 7, 10: 5, 50: 5 };
const QUICK_RUNS = 2;

/** CloudFormation quotas per stack. */
const MAX_RESOURCES_PER_STACK = 500;
/** The largest template CloudFormation accepts from S3 (the CDK CLI uploads templates over 50 KiB there). */
const MAX_TEMPLATE_BYTES = 1024 * 1024;

const STACK_NAME = 'Bench';
const IMAGE = 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0';
const POD_IDENTITY_SERVICE_PRINCIPAL = 'pods.eks.amazonaws.com';

/** What one child process reports for one (variant, N) case. */
interface CaseResult {
  readonly variant: Variant;
  readonly workloads: number;
  readonly runs: number;
  /** Median milliseconds to build the construct tree. */
  readonly constructMs: number;
  /** Median milliseconds of `app.synth()` (rendering, validation, writing the cloud assembly). */
  readonly synthMs: number;
  /** Median of construct + synth. */
  readonly totalMs: number;
  /** Median CPU time (user + system, all threads) of construct + synth: steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  /** Peak resident set size of the child process, MiB (includes Node, ts-node and the loaded modules). */
  readonly peakRssMiB: number;
  /** Resident set size after loading modules, before any app was built, MiB. */
  readonly baseRssMiB: number;
  /** Median heap still in use after synthesis and a full GC, app alive, minus before building it, MiB. */
  readonly heapDeltaMiB: number;
  /** Template size as the CDK writes it (cdk.out/<stack>.template.json), bytes. */
  readonly templateBytes: number;
  readonly resources: number;
  readonly resourcesByType: { [type: string]: number };
}

// ---------------------------------------------------------------------------------------------------------------
// The two ways of doing the job

/** One stack, one imported aws_eks_v2 cluster with an existing kubectl provider (no assets), one shared table. */
function baseStack(app: App) {
  const stack = new Stack(app, STACK_NAME, { env: { account: '111111111111', region: 'us-east-1' } });
  const kubectlProvider = eksv2.KubectlProvider.fromKubectlProviderAttributes(stack, 'KubectlProvider', {
    serviceToken: 'arn:aws:lambda:us-east-1:111111111111:function:kubectl-provider',
    role: iam.Role.fromRoleArn(stack, 'KubectlRole', 'arn:aws:iam::111111111111:role/kubectl-provider'),
  });
  const cluster = eksv2.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'bench', kubectlProvider });
  const table = new dynamodb.Table(stack, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  });
  return { stack, cluster, table };
}

function buildWithLibrary(app: App, workloads: number) {
  const { stack, cluster, table } = baseStack(app);
  for (let i = 0; i < workloads; i++) {
    const workload = new PodIdentityBoundWorkload(stack, `Service${i}`, {
      cluster,
      namespace: `service-${i}`,
      image: IMAGE,
      port: 8080,
      env: { TABLE_NAME: table.tableName },
    });
    table.grantReadWriteData(workload);
  }
}

/**
 * The same job with aws-cdk-lib alone: the agent add-on, and per workload a role trusted by Pod Identity, the
 * association, and a hand-written Namespace, ServiceAccount and Deployment equivalent to what the library renders.
 * aws_eks_v2 has no L1 of its own: its `Addon` wraps aws_eks' `CfnAddon`, used here directly.
 */
function buildByHand(app: App, workloads: number) {
  const { stack, cluster, table } = baseStack(app);
  const agent = new eks.CfnAddon(stack, 'PodIdentityAgent', {
    addonName: 'eks-pod-identity-agent',
    clusterName: cluster.clusterName,
    preserveOnDelete: true,
    resolveConflicts: 'OVERWRITE',
  });
  for (let i = 0; i < workloads; i++) {
    const name = `service${i}`;
    const namespace = `service-${i}`;
    const role = new iam.Role(stack, `Service${i}Role`, {
      assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal(POD_IDENTITY_SERVICE_PRINCIPAL)),
    });
    table.grantReadWriteData(role);
    const association = new eks.CfnPodIdentityAssociation(stack, `Service${i}Association`, {
      clusterName: cluster.clusterName,
      namespace,
      serviceAccount: name,
      roleArn: role.roleArn,
    });
    association.node.addDependency(agent, role);
    const manifest = cluster.addManifest(`Service${i}Manifest`, ...kubernetesObjects(name, namespace, table.tableName));
    manifest.node.addDependency(association);
  }
}

function kubernetesObjects(name: string, namespace: string, tableName: string): Array<Record<string, any>> {
  const labels = { app: name };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace }, automountServiceAccountToken: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true },
            containers: [{
              name: 'main',
              image: IMAGE,
              ports: [{ containerPort: 8080 }],
              env: [{ name: 'TABLE_NAME', value: tableName }],
              resources: { limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' } },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 25000,
                runAsGroup: 26000,
                privileged: false,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    },
  ];
}

const BUILDERS: { [variant in Variant]: (app: App, workloads: number) => void } = {
  'library': buildWithLibrary,
  'by-hand': buildByHand,
};

// ---------------------------------------------------------------------------------------------------------------
// Child: measure one case

function runCase(variant: Variant, workloads: number, runs: number): CaseResult {
  const gc: () => void = (global as any).gc ?? (() => undefined);
  const baseRssMiB = process.resourceUsage().maxRSS / 1024;
  const constructMs: number[] = [];
  const synthMs: number[] = [];
  const cpuMs: number[] = [];
  const heapDeltaMiB: number[] = [];
  let templateBytes = 0;
  let template: any;
  // Holds the last app so that it stays reachable while the heap is measured.
  let alive: App | undefined;

  for (let run = 0; run <= runs; run++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-identity-bench-'));
    try {
      alive = undefined;
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      // Version reporting on, as the CDK CLI does by default: the CDKMetadata resource counts against the quota.
      const app = new App({ outdir, analyticsReporting: true });
      BUILDERS[variant](app, workloads);
      const t1 = process.hrtime.bigint();
      const assembly = app.synth();
      const t2 = process.hrtime.bigint();
      const cpu = process.cpuUsage(cpu0);
      alive = app;
      gc();
      const heapAfter = process.memoryUsage().heapUsed;

      const artifact = assembly.getStackByName(STACK_NAME);
      templateBytes = fs.statSync(path.join(assembly.directory, artifact.templateFile)).size;
      template = artifact.template;
      if (run === 0) continue; // warm-up: loads lazily required modules and warms the JIT
      constructMs.push(Number(t1 - t0) / 1e6);
      synthMs.push(Number(t2 - t1) / 1e6);
      cpuMs.push((cpu.user + cpu.system) / 1000);
      heapDeltaMiB.push((heapAfter - heapBefore) / 1024 / 1024);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  void alive;

  const resources: { [logicalId: string]: { Type: string } } = template.Resources ?? {};
  const resourcesByType: { [type: string]: number } = {};
  for (const resource of Object.values(resources)) {
    resourcesByType[resource.Type] = (resourcesByType[resource.Type] ?? 0) + 1;
  }
  const totals = constructMs.map((ms, i) => ms + synthMs[i]);
  return {
    variant,
    workloads,
    runs,
    constructMs: median(constructMs),
    synthMs: median(synthMs),
    totalMs: median(totals),
    cpuMs: median(cpuMs),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    baseRssMiB,
    heapDeltaMiB: median(heapDeltaMiB),
    templateBytes,
    resources: Object.keys(resources).length,
    resourcesByType,
  };
}

function packageVersion(name: string): string {
  return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf-8')).version;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ---------------------------------------------------------------------------------------------------------------
// Parent: run every case in a child, report

const RESULT_PREFIX = 'BENCH_RESULT ';

function spawnCase(variant: Variant, workloads: number, runs: number): CaseResult {
  const child = spawnSync(process.execPath, [
    '--expose-gc',
    '-r', 'ts-node/register/transpile-only',
    __filename, '--child', variant, String(workloads), String(runs),
  ], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, TS_NODE_PREFER_TS_EXTS: 'true', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = child.stdout.split('\n').find(l => l.startsWith(RESULT_PREFIX));
  if (child.status !== 0 || !line) {
    throw new Error(`case ${variant} N=${workloads} failed (exit ${child.status}):\n${child.stderr}\n${child.stdout}`);
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length));
}

/** Per-workload growth between the smallest and the largest N, and the fixed part it extrapolates to. */
interface Growth {
  readonly variant: Variant;
  readonly resourcesPerWorkload: number;
  readonly fixedResources: number;
  readonly bytesPerWorkload: number;
  readonly fixedBytes: number;
  readonly perWorkloadByType: { [type: string]: number };
  readonly maxByResources: number;
  readonly maxByBytes: number;
}

function growth(results: CaseResult[], variant: Variant): Growth {
  const cases = results.filter(r => r.variant === variant).sort((a, b) => a.workloads - b.workloads);
  const small = cases[0];
  const large = cases[cases.length - 1];
  const dn = large.workloads - small.workloads;
  const resourcesPerWorkload = (large.resources - small.resources) / dn;
  const bytesPerWorkload = (large.templateBytes - small.templateBytes) / dn;
  const fixedResources = small.resources - resourcesPerWorkload * small.workloads;
  const fixedBytes = small.templateBytes - bytesPerWorkload * small.workloads;
  const perWorkloadByType: { [type: string]: number } = {};
  for (const type of new Set([...Object.keys(small.resourcesByType), ...Object.keys(large.resourcesByType)])) {
    const delta = ((large.resourcesByType[type] ?? 0) - (small.resourcesByType[type] ?? 0)) / dn;
    if (delta) perWorkloadByType[type] = delta;
  }
  return {
    variant,
    resourcesPerWorkload,
    fixedResources,
    bytesPerWorkload,
    fixedBytes,
    perWorkloadByType,
    maxByResources: Math.floor((MAX_RESOURCES_PER_STACK - fixedResources) / resourcesPerWorkload),
    maxByBytes: Math.floor((MAX_TEMPLATE_BYTES - fixedBytes) / bytesPerWorkload),
  };
}

const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function report(results: CaseResult[], elapsedS: number, loadBefore: string): string {
  const byCase = (variant: Variant, n: number) => results.find(r => r.variant === variant && r.workloads === n)!;
  const counts = [...new Set(results.map(r => r.workloads))].sort((a, b) => a - b);
  const lines: string[] = [];
  lines.push('| N | variant | construct ms | synth ms | total ms | CPU ms | peak RSS MiB | heap Δ MiB | template bytes | resources | resources / workload |');
  lines.push('|--:|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const n of counts) {
    for (const variant of ['library', 'by-hand'] as Variant[]) {
      const r = byCase(variant, n);
      const fixed = growth(results, variant).fixedResources;
      lines.push(`| ${n} | ${variant} | ${fmt(r.constructMs, 1)} | ${fmt(r.synthMs, 1)} | ${fmt(r.totalMs, 1)} | ${fmt(r.cpuMs, 0)} | `
        + `${fmt(r.peakRssMiB)} | ${fmt(r.heapDeltaMiB, 1)} | ${fmt(r.templateBytes)} | ${r.resources} | `
        + `${fmt((r.resources - fixed) / n, 2)} |`);
    }
  }
  const ratios = counts.map(n => {
    const lib = byCase('library', n);
    const hand = byCase('by-hand', n);
    return `N=${n}: ${fmt(lib.totalMs / hand.totalMs, 2)}x wall time, ${fmt(lib.cpuMs / hand.cpuMs, 2)}x CPU time, `
      + `${fmt(lib.templateBytes / hand.templateBytes, 2)}x template bytes`;
  });

  const limitLines: string[] = [];
  limitLines.push('| variant | fixed resources | resources / workload | per workload, by type | fixed bytes | bytes / workload | max N (500 resources) | max N (1 MiB template) |');
  limitLines.push('|:--|--:|--:|:--|--:|--:|--:|--:|');
  for (const variant of ['library', 'by-hand'] as Variant[]) {
    const g = growth(results, variant);
    const byType = Object.entries(g.perWorkloadByType).map(([type, count]) => `${fmt(count, 2)} ${type}`).join(', ');
    limitLines.push(`| ${variant} | ${fmt(g.fixedResources, 2)} | ${fmt(g.resourcesPerWorkload, 2)} | ${byType} | `
      + `${fmt(g.fixedBytes)} | ${fmt(g.bytesPerWorkload)} | **${g.maxByResources}** | ${g.maxByBytes} |`);
  }
  const lib = growth(results, 'library');
  const noGrant = Math.floor((MAX_RESOURCES_PER_STACK - lib.fixedResources) / (lib.resourcesPerWorkload - (lib.perWorkloadByType['AWS::IAM::Policy'] ?? 0)));

  return [
    '# Synthesis benchmark results',
    '',
    `Generated by \`npx ts-node --prefer-ts-exts bench/synth.bench.ts\` on ${new Date().toISOString().slice(0, 10)}. `
      + `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.versions.node}, `
      + `aws-cdk-lib ${packageVersion('aws-cdk-lib')}, cdk8s-plus-28 ${packageVersion('cdk8s-plus-28')}. `
      + `Whole run: ${fmt(elapsedS)} s; load average ${loadBefore} before, ${os.loadavg()[0].toFixed(2)} after`
      + (Math.max(Number(loadBefore), os.loadavg()[0]) > os.cpus().length
        ? ' (above the core count: other jobs were competing and wall times are inflated, compare CPU ms).'
        : ' (below the core count: a quiet machine).'),
    '',
    'One stack, one imported aws_eks_v2 cluster with an existing kubectl provider (no assets), one DynamoDB table. '
      + 'Each workload: a Namespace, ServiceAccount and Deployment (one container, port, one env var), an IAM role trusted '
      + 'by `pods.eks.amazonaws.com`, read/write on the table, and the Pod Identity association; one agent add-on per cluster. '
      + '`library` = `PodIdentityBoundWorkload`; `by-hand` = aws-cdk-lib alone (`iam.Role`, `CfnPodIdentityAssociation`, '
      + '`CfnAddon`, `cluster.addManifest` with the same Kubernetes objects written out).',
    '',
    `Times are medians of ${[...new Set(results.map(r => r.runs))].join('/')} runs after one warm-up run, each case in a `
      + 'fresh child process. Heap Δ is the heap still used after synthesis and a full GC with the app alive. Peak RSS is '
      + 'the whole child process (Node + ts-node + modules + all runs).',
    '',
    ...lines,
    '',
    `Library vs by hand: ${ratios.join('; ')}.`,
    '',
    '## Workloads per stack',
    '',
    `Per-workload growth measured between N=${counts[0]} and N=${counts[counts.length - 1]} (the growth is linear: every `
      + 'workload adds the same resources). CloudFormation quotas: 500 resources per stack, 1 MiB (1,048,576 bytes) '
      + 'template from S3 (the CDK CLI uploads templates over 50 KiB to the bootstrap bucket).',
    '',
    ...limitLines,
    '',
    `**The 500-resource quota binds first.** With the library, a stack holds at most **${lib.maxByResources} workloads** of `
      + `this shape (${fmt(lib.resourcesPerWorkload, 0)} resources each: role, its default policy, association, manifest) `
      + `next to ${fmt(lib.fixedResources, 0)} fixed resources; ${noGrant} if no workload gets a grant (no default policy). `
      + `The template size would only bind at ~${lib.maxByBytes} workloads (${fmt(lib.bytesPerWorkload / 1024, 1)} KiB each, `
      + 'mostly the rendered Deployment; more env vars, containers or options make it larger).',
    '',
    'For a validation rule, count what a workload actually adds rather than assuming a constant: 3 resources '
      + '(role, association, manifest) plus 1 `AWS::IAM::Policy` once anything is granted to the role, plus one per '
      + 'extra policy or managed policy attached; the fixed part (table, add-on, CDKMetadata, the user\'s own resources) '
      + 'varies per app. Counting `CfnResource`s in the stack at synthesis gives the exact number.',
    '',
  ].join('\n');
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const result = runCase(args[1] as Variant, Number(args[2]), Number(args[3]));
    process.stdout.write(RESULT_PREFIX + JSON.stringify(result) + '\n');
    return;
  }
  const quick = args.includes('--quick');
  const counts = quick ? QUICK_WORKLOAD_COUNTS : WORKLOAD_COUNTS;
  const start = process.hrtime.bigint();
  const loadBefore = os.loadavg()[0].toFixed(2);
  const results: CaseResult[] = [];
  for (const n of counts) {
    for (const variant of ['library', 'by-hand'] as Variant[]) {
      const runs = quick ? QUICK_RUNS : RUNS[n];
      process.stderr.write(`running ${variant} N=${n} (${runs} runs + warm-up)...`);
      const result = spawnCase(variant, n, runs);
      process.stderr.write(` ${fmt(result.totalMs, 1)} ms (${fmt(result.cpuMs)} ms CPU)\n`);
      results.push(result);
    }
  }
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  const markdown = report(results, elapsedS, loadBefore);
  process.stdout.write(markdown);
  if (!quick) {
    fs.writeFileSync(path.join(__dirname, 'results.md'), markdown);
    process.stderr.write(`wrote ${path.relative(process.cwd(), path.join(__dirname, 'results.md'))}\n`);
  }
}

main();
