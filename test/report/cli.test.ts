// The report CLI (lib/report/cli.ts, `npx cdk-eks-pod-identity report`): arguments, output, exit codes, and the bin
// entry the package ships.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityRole } from '../../lib';
import { runCli } from '../../lib/report/cli';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';
import { handAssembly, reportApp } from '../helpers/report';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'cdk-eks-pod-identity');

/** An assembly whose only finding is a warning (an unscoped trust), or also an error (a `*` action). */
function assembly(withError: boolean): string {
  const app = reportApp();
  const stack = new Stack(app, 'Cli', { env: ENV });
  const role = new PodIdentityRole(stack, 'Role');
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [withError ? 's3:*' : 's3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }));
  role.associate(importedEksV2Cluster(stack), { namespace: 'jobs', serviceAccount: 'runner' });
  return app.synth().directory;
}

/** The package's bin script, as `npx cdk-eks-pod-identity` runs it (on the TypeScript sources, through ts-node). */
function cli(args: string[], cwd = ROOT) {
  const result = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PREFER_TS_EXTS: 'true', TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json') },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cdk-eks-pod-identity report', () => {
  const warningsOnly = assembly(false);
  const withError = assembly(true);

  test('Markdown by default, exit 0 whatever the findings without --fail-on', () => {
    const run = cli(['report', withError]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^# EKS Pod Identity permissions\n\n1 association · 1 error · 1 warning\n/);
    expect(run.stdout).toContain('## `jobs/runner` on cluster `imported-v2-cluster`');
  });

  test('--fail-on: exit 1 when a finding of that severity or worse exists', () => {
    expect(cli(['report', warningsOnly, '--fail-on', 'error']).status).toBe(0);
    const failed = cli(['report', warningsOnly, '--fail-on', 'warning']);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('findings of severity warning or worse');
    expect(failed.stdout).toContain('UnscopedTrust');
    expect(cli(['report', withError, '--fail-on=error']).status).toBe(1);
  });

  test('--format json, and cdk.out as the default directory', () => {
    const cwd = path.dirname(warningsOnly);
    const link = path.join(cwd, 'cdk.out');
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(warningsOnly, link);
    const run = cli(['report', '--format', 'json'], cwd);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.associations.map((a: any) => `${a.namespace}/${a.serviceAccount} ${a.findings.map((f: any) => f.id)}`))
      .toEqual(['jobs/runner UnscopedTrust']);
    fs.rmSync(link);
  });

  test('a missing assembly: exit 2 with one line naming it (no usage, no stack trace)', () => {
    const missing = cli(['report', path.join(warningsOnly, 'nope')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^cdk-eks-pod-identity: \[cdk-eks-pod-identity:NotACloudAssembly\] no manifest.json in .*nope\. Fix: [^\n]*\n$/);
    expect(missing.stdout).toBe('');
  });

  test('a malformed template through the bin script: exit 2, one line naming the file', () => {
    const directory = handAssembly({ stacks: { App: { template: { Resources: { X: null } } } } });
    const run = cli(['report', directory]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^cdk-eks-pod-identity: \[cdk-eks-pod-identity:MalformedCloudAssembly\] .*App\.template\.json: Resources\.X is null, not an object\. Fix: [^\n]*\n$/);
    expect(run.stdout).toBe('');
  });

  test.each([
    [['report', 'x', '--format', 'html'], "--format must be markdown or json, not 'html'"],
    [['report', 'x', '--fail-on', 'info'], "--fail-on must be warning or error, not 'info'"],
    [['report', 'x', '--fail-on'], '--fail-on needs a value'],
    [['audit'], "unknown command 'audit'"],
    [[], 'missing command'],
    [['report', 'a', 'b'], "unexpected argument 'b'"],
    [['report', '--verbose'], 'unknown option --verbose'],
  ])('%j is a usage error: %s', (args, message) => {
    let err = '';
    expect(runCli(args, { out: () => {}, err: text => err += text })).toBe(2);
    expect(err).toContain(message);
  });

  test('--help prints the usage, exit 0', () => {
    let out = '';
    expect(runCli(['--help'], { out: text => out += text, err: () => {} })).toBe(0);
    expect(out).toMatch(/^Usage: cdk-eks-pod-identity report \[cloud-assembly-dir\] \[--format markdown\|json\] \[--fail-on warning\|error\]/);
  });
});

describe('the bin entry ships', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

  test('package.json maps the command to the script, which loads the compiled lib/report/cli', () => {
    expect(pkg.bin).toEqual({ 'cdk-eks-pod-identity': 'bin/cdk-eks-pod-identity' });
    const script = fs.readFileSync(BIN, 'utf8');
    expect(script.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(script).toContain("path.join(__dirname, '..', 'lib', 'report', 'cli')");
    expect(() => fs.accessSync(BIN, fs.constants.X_OK)).not.toThrow();
  });

  test('.npmignore keeps bin/ and the compiled lib/ in the tarball, and the AGPL simulator out of the dependencies', () => {
    const npmignore = fs.readFileSync(path.join(ROOT, '.npmignore'), 'utf8').split('\n');
    expect(npmignore.filter(line => /^\/?bin\b/.test(line))).toEqual([]);
    expect(npmignore).toContain('!/lib/**/*.js');
    for (const field of ['dependencies', 'peerDependencies', 'bundledDependencies', 'optionalDependencies']) {
      expect(Object.keys(pkg[field] ?? {})).not.toContain('@cloud-copilot/iam-simulate');
    }
    expect(Object.keys(pkg.devDependencies)).toContain('@cloud-copilot/iam-simulate');
  });
});
