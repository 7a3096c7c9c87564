// Shared by the report tests: apps that synthesize into a directory of their own (the report reads a whole cloud
// assembly, so apps must not share one), removed after the test file.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps } from 'aws-cdk-lib';
import { PodIdentityReport, PodIdentityReportEntry } from '../../lib';

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

/** A fresh app with an output directory of its own. */
export function reportApp(props: AppProps = {}): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-eks-pod-identity-report-'));
  directories.push(outdir);
  return new App({ ...props, outdir });
}

/** Synthesizes the app and reads its cloud assembly. */
export function reportOf(app: App): PodIdentityReport {
  return PodIdentityReport.fromCloudAssembly(app.synth().directory);
}

/** The one entry of a service account (fails when there are none or several). */
export function entryOf(report: PodIdentityReport, namespace: string, serviceAccount: string): PodIdentityReportEntry {
  const entries = report.entriesFor(namespace, serviceAccount);
  if (entries.length !== 1) {
    throw new Error(`expected one entry for ${namespace}/${serviceAccount}, found ${entries.length}; entries: ${report.entries.map(e => `${e.namespace}/${e.serviceAccount}`).join(', ')}`);
  }
  return entries[0];
}

/** `id severity` of each finding of an entry. */
export function findingIds(entry: PodIdentityReportEntry): string[] {
  return entry.findings.map(finding => `${finding.id} ${finding.severity.name}`);
}

/** A stack of a hand-written cloud assembly: its template (a string is written as is) and its account. */
export interface HandStack {
  readonly template: unknown;
  /** The stack's account (`unknown-account` when undefined: an environment-agnostic stack). */
  readonly account?: string;
}

/** A hand-written cloud assembly: stacks by artifact id, and stages (nested assemblies) by name. */
export interface HandAssembly {
  readonly stacks?: { readonly [id: string]: HandStack };
  readonly stages?: { readonly [name: string]: HandAssembly };
}

function writeHandAssembly(directory: string, spec: HandAssembly, prefix: string): void {
  fs.mkdirSync(directory, { recursive: true });
  const artifacts: Record<string, unknown> = {};
  for (const [id, stack] of Object.entries(spec.stacks ?? {})) {
    const templateFile = `${id}.template.json`;
    fs.writeFileSync(path.join(directory, templateFile), typeof stack.template === 'string' ? stack.template : JSON.stringify(stack.template));
    artifacts[id] = {
      type: 'aws:cloudformation:stack',
      environment: `aws://${stack.account ?? 'unknown-account'}/us-east-1`,
      properties: { templateFile },
      displayName: prefix + id,
    };
  }
  for (const [name, stage] of Object.entries(spec.stages ?? {})) {
    const directoryName = `assembly-${name}`;
    writeHandAssembly(path.join(directory, directoryName), stage, `${prefix}${name}/`);
    artifacts[`assembly-${name}`] = { type: 'cdk:cloud-assembly', properties: { directoryName, displayName: name } };
  }
  fs.writeFileSync(path.join(directory, 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts }));
}

/** Writes a cloud assembly by hand (as `cdk synth` lays it out) into a fresh directory; returns the directory. */
export function handAssembly(spec: HandAssembly): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-eks-pod-identity-hand-'));
  directories.push(directory);
  writeHandAssembly(directory, spec, '');
  return directory;
}

/** A fresh directory holding exactly these files (path → content); returns the directory. */
export function filesDirectory(files: { readonly [file: string]: string }): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-eks-pod-identity-files-'));
  directories.push(directory);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
    fs.writeFileSync(path.join(directory, file), content);
  }
  return directory;
}
