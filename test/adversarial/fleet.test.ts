// Fleet spec files, attacked: every malformed file gives InvalidFleetSpec (or the workload's own id, first, with the
// file and entry) naming the file, the entry and the field; never a raw TypeError, never a silently wrong fleet.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { adversarialTable } from './harness';
import { WorkloadFleet } from '../../lib';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';

const IMAGE = 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adversarial-fleet-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Writes a spec file (a fresh name per row) and returns its path. */
function specFile(extension: 'yaml' | 'json', content: string | Buffer): string {
  const file = path.join(dir, `spec-${++counter}.${extension}`);
  fs.writeFileSync(file, content);
  return file;
}

/** An app with an imported cluster and a fleet reading `file` (small stack count: fast). */
function fleetFrom(file: string): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(dir, 'out-')) });
  const cluster = importedEksV2Cluster(new Stack(app, 'ClusterStack', { env: ENV }));
  new WorkloadFleet(app, 'Fleet', { cluster, stackCount: 2, specFile: file });
  return app;
}

const entry = (id: string, extra = '') => `  - id: ${id}\n    namespace: ${id.toLowerCase() || 'x'}\n    image: ${IMAGE}\n${extra}`;
const yaml = (...entries: string[]) => specFile('yaml', `workloads:\n${entries.join('')}`);

/** The ServiceAccount names the fleet's stacks associate, sorted. */
function associatedServiceAccounts(app: App): string[] {
  const fleet = app.node.findChild('Fleet') as WorkloadFleet;
  return [...new Set(fleet.workloads.map(w => Stack.of(w)))].map(stack => Template.fromStack(stack).findResources('AWS::EKS::PodIdentityAssociation'))
    .flatMap(resources => Object.values(resources).map((r: any) => r.Properties.ServiceAccount)).sort();
}

adversarialTable([
  // The three reported: misleading or raw messages before.
  { name: 'two YAML documents (---) in one spec file', build: () => fleetFrom(specFile('yaml', `- id: a\n  namespace: a\n  image: ${IMAGE}\n---\n- id: b\n  namespace: b\n  image: ${IMAGE}\n`)), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'an entry with id ""', build: () => fleetFrom(yaml(entry('""'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'an empty YAML file', build: () => fleetFrom(specFile('yaml', '')), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'an empty JSON file', build: () => fleetFrom(specFile('json', '\n')), expect: { throws: 'InvalidFleetSpec' } },
  // Attacks on the loader.
  { name: 'a YAML file of comments and --- only', build: () => fleetFrom(specFile('yaml', '# todo\n---\n...\n')), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'a directory instead of a file', build: () => fleetFrom(fs.mkdtempSync(path.join(dir, 'folder-'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'a UTF-16 file (not UTF-8)', build: () => fleetFrom(specFile('yaml', Buffer.from(`\ufeffworkloads:\n${entry('a')}`, 'utf16le'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'invalid UTF-8 bytes inside a value', build: () => fleetFrom(specFile('yaml', Buffer.concat([Buffer.from(`workloads:\n${entry('a')}    env: { A: "`), Buffer.from([0xc3, 0x28]), Buffer.from('" }\n')]))), expect: { throws: 'InvalidFleetSpec' } },
  {
    name: 'a YAML alias bomb (billion laughs)',
    build: () => fleetFrom(specFile('yaml', ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`), 'workloads: [*h]'].join('\n'))),
    expect: { throws: 'InvalidFleetSpec' },
  },
  { name: 'a YAML syntax error cdk8s\' loader drops silently (unclosed flow list)', build: () => fleetFrom(specFile('yaml', `- id: a\n  namespace: [a\n  image: ${IMAGE}\n`)), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'a duplicate key in an entry (the last would win silently)', build: () => fleetFrom(yaml(entry('a', '    namespace: b\n'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'a top-level object with another key beside workloads', build: () => fleetFrom(specFile('json', JSON.stringify({ stackCount: 4, workloads: [{ id: 'a', namespace: 'a', image: IMAGE }] }))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'a top-level object without workloads', build: () => fleetFrom(specFile('yaml', 'workload:\n  - id: a\n')), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'workloads: null', build: () => fleetFrom(specFile('json', '{"workloads": null}')), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'a null entry', build: () => fleetFrom(specFile('yaml', `workloads:\n  -\n${entry('a')}`)), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'an entry that is a list', build: () => fleetFrom(specFile('json', JSON.stringify([[{ id: 'a', namespace: 'a', image: IMAGE }]]))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'id: null (YAML ~)', build: () => fleetFrom(yaml(`  - id: ~\n    namespace: a\n    image: ${IMAGE}\n`)), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'id a number', build: () => fleetFrom(yaml(entry('12'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'replicas 1e400 (Infinity)', build: () => fleetFrom(yaml(entry('a', '    replicas: 1e400\n'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'replicas beyond Kubernetes\' int32', build: () => fleetFrom(yaml(entry('a', '    replicas: 99999999999999999999\n'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'port 0', build: () => fleetFrom(yaml(entry('a', '    port: 0\n'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'command a string instead of a list', build: () => fleetFrom(yaml(entry('a', '    command: node server.js\n'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'env a list instead of a map', build: () => fleetFrom(yaml(entry('a', '    env: [A=1]\n'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'createNamespace "true" (a string)', build: () => fleetFrom(yaml(entry('a', '    createNamespace: "true"\n'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'an unknown key "__proto__" (JSON)', build: () => fleetFrom(specFile('json', `[{"id": "a", "namespace": "a", "image": "${IMAGE}", "__proto__": {"replicas": 2}}]`)), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'an unknown key "toString"', build: () => fleetFrom(yaml(entry('a', '    toString: x\n'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'an option a spec file cannot set (role)', build: () => fleetFrom(yaml(entry('a', '    role: arn:aws:iam::111111111111:role/a\n'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'ids differing only in case (one default service account name)', build: () => fleetFrom(yaml(entry('carts'), entry('Carts'))), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'ids differing only in punctuation (carts_ and carts)', build: () => fleetFrom(yaml(entry('carts'), `  - id: carts_\n    namespace: other\n    image: ${IMAGE}\n`)), expect: { throws: 'InvalidFleetSpec' } },
  { name: 'a namespace the workload rejects: its own id, first, with the file and entry', build: () => fleetFrom(yaml(entry('a', '    namespace: Not_Valid\n').replace('    namespace: a\n', ''))), expect: { throws: 'InvalidNamespace' } },
  // Near misses that must stay accepted.
  {
    name: 'workloads: [] and a YAML [] are an empty fleet',
    build: () => {
      fleetFrom(specFile('yaml', '[]\n'));
      return fleetFrom(specFile('yaml', 'workloads: []\n'));
    },
    expect: { correct: (_assembly, app) => expect((app.node.findChild('Fleet') as WorkloadFleet).workloads).toEqual([]) },
  },
  {
    name: 'a UTF-8 byte order mark, a leading ---, anchors reused once, and quoted numbers in env are fine',
    build: () => fleetFrom(specFile('yaml', `\ufeff---\nworkloads:\n  - id: carts\n    namespace: carts\n    image: ${IMAGE}\n    env: &common { LOG_LEVEL: info, PORT: "8080" }\n  - id: Orders\n    namespace: orders\n    image: ${IMAGE}\n    env: *common\n`)),
    expect: { correct: (_assembly, app) => expect(associatedServiceAccounts(app)).toEqual(['carts', 'orders']) },
  },
  {
    name: 'replicas at the int32 maximum is accepted',
    build: () => fleetFrom(specFile('json', JSON.stringify([{ id: 'a', namespace: 'a', image: IMAGE, replicas: 2147483647 }]))),
    expect: { correct: (_assembly, app) => expect((app.node.findChild('Fleet') as WorkloadFleet).workloads[0].deployment.replicas).toBe(2147483647) },
  },
]);
