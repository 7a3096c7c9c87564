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
