// WorkloadFleet: workloads placed across stacks within CloudFormation's limits, placement that never moves a
// workload when others come and go, and spec files whose errors name the file, the entry and the field.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PodIdentityErrors, WorkloadFleet } from '../lib';
import { ClusterKind, ENV, makeCluster } from './helpers/clusters';
import { stderrOnATerminal } from './helpers/terminal';

const IMAGE = 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0';

function fleetApp(kind: ClusterKind = 'imported-eks-v2', stackCount?: number) {
  const app = new App();
  const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
  const cluster = makeCluster(kind, clusterStack);
  const fleet = new WorkloadFleet(app, 'Fleet', { cluster, stackCount });
  return { app, clusterStack, cluster, fleet };
}

function addServices(fleet: WorkloadFleet, ids: string[]) {
  for (const id of ids) fleet.addWorkload(id, { namespace: id, image: IMAGE, port: 8080 });
}

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `svc-${from + i}`);

/** Workload id -> the name of the stack it is in. */
function placements(fleet: WorkloadFleet): Map<string, string> {
  return new Map(fleet.workloads.map(w => [w.node.id, Stack.of(w).stackName]));
}

function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('stable placement', () => {
  test('adding, removing and reordering workloads never moves another workload', () => {
    const before = fleetApp('imported-eks-v2', 8);
    addServices(before.fleet, ids(0, 300));
    const first = placements(before.fleet);
    expect(new Set(first.values()).size).toBe(8);

    // Remove 50, add 100 new ones, and add the rest in reverse order.
    const after = fleetApp('imported-eks-v2', 8);
    addServices(after.fleet, [...ids(300, 400), ...ids(50, 300).reverse()]);
    const second = placements(after.fleet);
    for (const id of ids(50, 300)) expect(second.get(id)).toBe(first.get(id));
    expect([...second.keys()].filter(id => !first.has(id))).toHaveLength(100);
  });

  test('the placement does not depend on the cluster kind, only on the id and the stack count', () => {
    const a = fleetApp('eks-v2', 5);
    const b = fleetApp('imported-eks', 5);
    addServices(a.fleet, ids(0, 40));
    addServices(b.fleet, ids(0, 40).reverse());
    expect(placements(b.fleet)).toEqual(placements(a.fleet));
  });
});

describe('limits and shared cluster resources', () => {
  test('300 workloads on 4 stacks: each template within 500 resources and 1 MB, one agent add-on, nothing per stack but workloads', () => {
    const { app, clusterStack, fleet } = fleetApp('eks-v2', 4);
    addServices(fleet, ids(0, 300));
    const assembly = app.synth();
    expect(fleet.stacks).toHaveLength(4);
    let workloads = 0;
    for (const stack of fleet.stacks) {
      const artifact = assembly.getStackByName(stack.stackName);
      const resources = Object.values<any>(artifact.template.Resources);
      expect(resources.length).toBeLessThanOrEqual(500);
      expect(fs.statSync(path.join(assembly.directory, artifact.templateFile)).size).toBeLessThanOrEqual(1024 * 1024);
      // Only the workloads' resources: no add-on, no kubectl provider, no nested stack in a fleet stack.
      const types = new Set(resources.map(r => r.Type));
      expect([...types].sort()).toEqual(['AWS::EKS::PodIdentityAssociation', 'AWS::IAM::Role', 'Custom::AWSCDK-EKS-KubernetesResource']);
      workloads += resources.filter(r => r.Type === 'AWS::EKS::PodIdentityAssociation').length;
      // Cross-stack references: only the cluster's name and ARN (the scoped trust names it), and its kubectl provider.
      const imports = new Set(JSON.stringify(artifact.template).match(/"Fn::ImportValue":"[^"]+"/g) ?? []);
      for (const imported of imports) expect(imported).toMatch(/ClusterStack:ExportsOutput(RefCluster|FnGetAttCluster[0-9A-F]{8}Arn|FnGetAttClusterKubectlProvider)/);
    }
    expect(workloads).toBe(300);
    const clusterTemplate = Template.fromStack(clusterStack);
    clusterTemplate.resourceCountIs('AWS::EKS::Addon', 1);
    // Every fleet stack deploys after the cluster stack (the add-on), never the other way round.
    for (const stack of fleet.stacks) expect(stack.dependencies).toContain(clusterStack);
  });

  test('an imported aws_eks cluster without a kubectl provider gets one provider, in its own stack', () => {
    const { app, clusterStack, fleet } = fleetApp('imported-eks', 3);
    addServices(fleet, ids(0, 20));
    app.synth();
    const nestedStacks = app.node.findAll().filter(c => c instanceof Stack && (c as Stack).nested);
    expect(nestedStacks).toHaveLength(1);
    expect(nestedStacks[0].node.scopes).toContain(clusterStack);
    for (const stack of fleet.stacks) Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::Stack', 0);
  });

  test('a stack over 500 resources fails synthesis with the fleet\'s fix', () => {
    const { app, fleet } = fleetApp('imported-eks-v2', 1);
    addServices(fleet, ids(0, 170));
    expect(() => app.synth()).toThrow(/\[cdk-eks-pod-identity:StackLimitExceeded\] stack FleetWorkloads0\w+ would have 510 resources .* so at most 166 fit .*Fix: the fleet Fleet puts too many workloads in this stack: raise stackCount/);
  });

  test('a workload id used twice is rejected', () => {
    const { fleet } = fleetApp();
    addServices(fleet, ['carts']);
    const error = thrownBy(() => addServices(fleet, ['carts']));
    expect(PodIdentityErrors.problemIdOf(error)).toBe('DuplicateFleetWorkload');
    expect(error.message).toMatch(/already has a workload with id "carts" \(at Fleet\/Workloads\d+\/carts\)/);
  });

  test.each([0, -1, 1.5])('stackCount %p is rejected', stackCount => {
    const error = thrownBy(() => fleetApp('imported-eks-v2', stackCount));
    expect(PodIdentityErrors.problemIdOf(error)).toBe('InvalidStackCount');
  });
});

describe('spec files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-spec-'));
  const write = (name: string, text: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  test('a YAML file adds its workloads with their options', () => {
    const file = write('fleet.yaml', [
      'workloads:',
      '  - id: carts',
      '    namespace: carts',
      `    image: ${IMAGE}`,
      '    replicas: 3',
      '    port: 8080',
      '    env: { TABLE: carts }',
      '  - id: orders',
      '    namespace: orders',
      `    image: ${IMAGE}`,
      '    serviceAccountName: orders-sa',
    ].join('\n'));
    const { fleet } = fleetApp();
    const workloads = fleet.addWorkloadsFromFile(file);
    expect(workloads.map(w => w.serviceAccountName)).toEqual(['carts', 'orders-sa']);
    expect(fleet.tryFindWorkload('carts')?.deployment.replicas).toBe(3);
    expect(fleet.tryFindWorkload('carts')?.deployment.containers[0].env.variables.TABLE.value).toBe('carts');
  });

  test('a JSON file given as specFile', () => {
    const file = write('fleet.json', JSON.stringify([{ id: 'carts', namespace: 'carts', image: IMAGE }]));
    const app = new App();
    const cluster = makeCluster('imported-eks-v2', new Stack(app, 'ClusterStack', { env: ENV }));
    const fleet = new WorkloadFleet(app, 'Fleet', { cluster, specFile: file });
    expect(fleet.workloads.map(w => w.namespace)).toEqual(['carts']);
  });

  test.each([
    ['missing field', 'a.json', JSON.stringify({ workloads: [{ id: 'carts', image: IMAGE }] }), /a\.json, entry 1 \(id "carts"\): field "namespace" is missing/],
    ['wrong type', 'b.yaml', `- id: carts\n  namespace: carts\n  image: ${IMAGE}\n  replicas: two\n`, /b\.yaml, entry 1 \(id "carts"\): field "replicas" is "two", expected a whole number from 0 to 2147483647/],
    ['env value not a string', 'c.yaml', `- id: carts\n  namespace: carts\n  image: ${IMAGE}\n  env: { PORT: 8080 }\n`, /c\.yaml, entry 1 \(id "carts"\): field "env" is \{"PORT":8080\}, expected a map of names to string values/],
    ['unknown field', 'd.json', JSON.stringify([{ id: 'a', namespace: 'a', image: IMAGE }, { id: 'b', namespace: 'b', image: IMAGE, replica: 2 }]), /d\.json, entry 2 \(id "b"\): field "replica" is not a workload option a spec file can set/],
    ['duplicate id', 'e.json', JSON.stringify([{ id: 'a', namespace: 'a', image: IMAGE }, { id: 'a', namespace: 'b', image: IMAGE }]), /e\.json, entry 2 \(id "a"\): id "a" is used again \(first at entry 1\)/],
    ['not a list', 'f.yaml', 'carts: {}\n', /f\.yaml" holds neither a list of workloads nor an object with a "workloads" list/],
    ['not an object', 'g.json', '[42]', /g\.json, entry 1 is 42, not an object/],
    ['syntax error', 'h.json', '[{"id": ', /h\.json" cannot be parsed/],
    ['multi-document YAML', 'j.yaml', `- id: a\n  namespace: a\n  image: ${IMAGE}\n---\n- id: b\n  namespace: b\n  image: ${IMAGE}\n`, /j\.yaml" holds 2 YAML documents \(separated by ---\)/],
    ['empty id', 'k.yaml', `- id: ""\n  namespace: a\n  image: ${IMAGE}\n`, /k\.yaml, entry 1 \(id ""\): field "id" is empty/],
    ['empty YAML file', 'l.yaml', '', /l\.yaml" is empty/],
    ['YAML file of comments only', 'l2.yml', '# nothing yet\n---\n', /l2\.yml" is empty/],
    ['empty JSON file', 'm.json', '  \n', /m\.json" is empty/],
    ['not UTF-8 (UTF-16)', 'n.yaml', Buffer.from('\ufeff- id: a\n', 'utf16le'), /n\.yaml" is not UTF-8 text/],
    ['infinite number', 'o.yaml', `- id: a\n  namespace: a\n  image: ${IMAGE}\n  replicas: 1e400\n`, /o\.yaml, entry 1 \(id "a"\): field "replicas" is Infinity, expected a whole number from 0 to 2147483647/],
    ['number beyond int32', 'p.json', JSON.stringify([{ id: 'a', namespace: 'a', image: IMAGE, replicas: 2 ** 31 }]), /p\.json, entry 1 \(id "a"\): field "replicas" is 2147483648, expected a whole number from 0 to 2147483647/],
    ['__proto__ key', 'q.json', `[{"id": "a", "namespace": "a", "image": "${IMAGE}", "__proto__": {"replicas": 2}}]`, /q\.json, entry 1 \(id "a"\): field "__proto__" is not a workload option a spec file can set/],
    ['constructor key', 'q2.yaml', `- id: a\n  namespace: a\n  image: ${IMAGE}\n  constructor: x\n`, /q2\.yaml, entry 1 \(id "a"\): field "constructor" is not a workload option a spec file can set/],
    ['ids differing only in case', 'r.json', JSON.stringify([{ id: 'carts', namespace: 'a', image: IMAGE }, { id: 'Carts', namespace: 'b', image: IMAGE }]), /r\.json, entry 2 \(id "Carts"\): id "Carts" gives the same Kubernetes name "carts" as id "carts" of entry 1/],
    ['unknown top-level key', 's.yaml', `stackCount: 4\nworkloads:\n  - id: a\n    namespace: a\n    image: ${IMAGE}\n`, /s\.yaml": top-level key "stackCount" is not one a spec file can set \(only "workloads"\)/],
    ['workloads not a list', 't.json', '{"workloads": {"a": {}}}', /t\.json" holds neither a list of workloads nor an object with a "workloads" list: "workloads" is \{"a":\{\}\}/],
  ])('%s: the error names the file, the entry and the field', (_case, name, text, message) => {
    const file = write(name, text);
    const { fleet } = fleetApp();
    const error = thrownBy(() => fleet.addWorkloadsFromFile(file));
    expect(PodIdentityErrors.problemIdOf(error)).toBe('InvalidFleetSpec');
    expect(error.message).toMatch(message);
  });

  test('a value the workload rejects: its own error, prefixed with the file and entry', () => {
    const file = write('i.json', JSON.stringify([{ id: 'carts', namespace: 'Carts_NS', image: IMAGE }]));
    const { fleet } = fleetApp();
    const error = thrownBy(() => fleet.addWorkloadsFromFile(file));
    expect(PodIdentityErrors.problemIdOf(error)).toBe('InvalidNamespace');
    expect(error.message).toMatch(/^\[cdk-eks-pod-identity:InvalidNamespace\] .*i\.json, entry 1 \(id "carts"\): Fleet\/Workloads\d+\/carts\/Association: namespace "Carts_NS"/);
  });

  test('a directory instead of a file', () => {
    const folder = path.join(dir, 'folder.yaml');
    fs.mkdirSync(folder);
    const error = thrownBy(() => fleetApp().fleet.addWorkloadsFromFile(folder));
    expect(PodIdentityErrors.problemIdOf(error)).toBe('InvalidFleetSpec');
    expect(error.message).toMatch(/fleet spec file ".*folder\.yaml" is a directory, not a file/);
  });

  test('an empty list, a YAML [] and a UTF-8 byte order mark are accepted', () => {
    expect(fleetApp().fleet.addWorkloadsFromFile(write('u.yaml', 'workloads: []\n'))).toEqual([]);
    expect(fleetApp().fleet.addWorkloadsFromFile(write('v.yaml', '# none yet\n[]\n'))).toEqual([]);
    expect(fleetApp().fleet.addWorkloadsFromFile(write('w.json', `\ufeff[{"id": "a", "namespace": "a", "image": "${IMAGE}"}]`)).map(w => w.node.id)).toEqual(['a']);
  });

  test('on a terminal, a spec file shows its progress after the first second and clears the line at the end', () => {
    const file = write('progress.json', JSON.stringify(ids(0, 3).map(id => ({ id, namespace: id, image: IMAGE }))));
    // The tests' context is quiet; the CLI context given after the environment's takes precedence.
    const app = new App({ postCliContext: { 'cdk-eks-pod-identity:quiet': false } });
    const cluster = makeCluster('imported-eks-v2', new Stack(app, 'ClusterStack', { env: ENV }));
    const fleet = new WorkloadFleet(app, 'Fleet', { cluster });
    const lines = stderrOnATerminal(() => fleet.addWorkloadsFromFile(file));
    const progress = lines.filter(line => line.startsWith('\r'));
    expect(progress).toEqual([1, 2, 3].map(done => `\r\x1b[Kcdk-eks-pod-identity: fleet spec ${file}: workloads added: ${done}/3`).concat('\r\x1b[K'));
  });

  test('a file that does not exist', () => {
    const { fleet } = fleetApp();
    const error = thrownBy(() => fleet.addWorkloadsFromFile(path.join(dir, 'missing.yaml')));
    expect(error.message).toMatch(/\[cdk-eks-pod-identity:InvalidFleetSpec\] fleet spec file ".*missing\.yaml" does not exist/);
  });
});

describe('spec files: every message in full', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-messages-'));
  const write = (name: string, text: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const entry = (extra: string) => `- id: a\n  namespace: a\n  image: ${IMAGE}\n${extra}`;
  const FIX = 'Fix: see docs/workloads.md (WorkloadFleet spec files) for the fields and their types';
  const SYNTAX_FIX = 'Fix: fix the syntax (JSON for .json, YAML for .yaml/.yml)';
  /** The error's message with the temporary folder written as `DIR`. */
  const messageOf = (fn: () => unknown) => thrownBy(fn).message.split(dir).join('DIR');

  test.each<[string, string | Buffer, string]>([
    ['s1.yaml', entry('  namespace2: x\n'), '[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s1.yaml, entry 1 (id "a"): field "namespace2" is not a workload option a spec file can set. Fix: use only id, namespace, image, serviceAccountName, deploymentName, createNamespace, replicas, command, args, env, port, migratingFromIrsa; set other options in code with fleet.addWorkload()'],
    ['s2.yaml', entry('  serviceAccountName: 5\n'), `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s2.yaml, entry 1 (id "a"): field "serviceAccountName" is 5, expected a string. ${FIX}`],
    ['s3.yaml', entry('  createNamespace: "yes"\n'), `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s3.yaml, entry 1 (id "a"): field "createNamespace" is "yes", expected true or false. ${FIX}`],
    ['s4.yaml', entry('  replicas: -1\n'), `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s4.yaml, entry 1 (id "a"): field "replicas" is -1, expected a whole number from 0 to 2147483647. ${FIX}`],
    ['s5.yaml', entry('  port: 0\n'), `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s5.yaml, entry 1 (id "a"): field "port" is 0, expected a port number (1-65535). ${FIX}`],
    ['s6.yaml', entry('  port: 65536\n'), `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s6.yaml, entry 1 (id "a"): field "port" is 65536, expected a port number (1-65535). ${FIX}`],
    ['s7.yaml', entry('  command: run\n'), `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s7.yaml, entry 1 (id "a"): field "command" is "run", expected a list of strings. ${FIX}`],
    ['s8.yaml', entry('  args: [serve, 8080]\n'), `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s8.yaml, entry 1 (id "a"): field "args" is ["serve",8080], expected a list of strings. ${FIX}`],
    ['s9.yaml', entry('  env: ~\n'), `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s9.yaml, entry 1 (id "a"): field "env" is null, expected a map of names to string values (quote numbers in YAML). ${FIX}`],
    ['s10.yaml', entry('  env: TABLE\n'), `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s10.yaml, entry 1 (id "a"): field "env" is "TABLE", expected a map of names to string values (quote numbers in YAML). ${FIX}`],
    ['s11.yaml', entry('  env: [TABLE]\n'), `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s11.yaml, entry 1 (id "a"): field "env" is ["TABLE"], expected a map of names to string values (quote numbers in YAML). ${FIX}`],
    ['s12.yaml', entry('  env: { A: "1", B: 2 }\n'), `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s12.yaml, entry 1 (id "a"): field "env" is {"A":"1","B":2}, expected a map of names to string values (quote numbers in YAML). ${FIX}`],
    ['s13.yaml', entry('  migratingFromIrsa: 1\n'), `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s13.yaml, entry 1 (id "a"): field "migratingFromIrsa" is 1, expected true or false. ${FIX}`],
    ['s14.json', '[{"id": 5, "namespace": "a", "image": "i"}]', `[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s14.json, entry 1: field "id" is 5, expected a string. ${FIX}`],
    ['s15.json', '[{"id": null, "namespace": "a", "image": "i"}]', '[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s15.json, entry 1: field "id" is missing. Fix: add id (required: id, namespace, image)'],
    ['s16.json', '[{"id": "  ", "namespace": "a", "image": "i"}]', '[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s16.json, entry 1 (id "  "): field "id" is empty. Fix: give the entry an id: it is the workload\'s construct id and default service account name (e.g. "carts")'],
    ['s17.json', '[{"id": "a", "namespace": "a", "image": "i"}, {"id": "a", "namespace": "b", "image": "i"}]', '[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s17.json, entry 2 (id "a"): id "a" is used again (first at entry 1). Fix: give every workload of the fleet its own id'],
    ['s18.json', '[7]', '[cdk-eks-pod-identity:InvalidFleetSpec] DIR/s18.json, entry 1 is 7, not an object. Fix: write each entry as an object with at least id, namespace and image'],
    ['s19.json', '42', '[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/s19.json" holds neither a list of workloads nor an object with a "workloads" list: it holds 42. Fix: write `workloads:` followed by a list of entries, each with at least id, namespace and image'],
    ['s20.json', '{"a": 1, "b": 2}', '[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/s20.json" holds neither a list of workloads nor an object with a "workloads" list: its keys are "a", "b". Fix: write `workloads:` followed by a list of entries, each with at least id, namespace and image'],
    ['s21.yaml', 'workloads: []\nstackCount: 4\n', '[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/s21.yaml": top-level key "stackCount" is not one a spec file can set (only "workloads"). Fix: write the fleet\'s own options (stackCount...) in code; the file holds only `workloads:` and its list'],
    ['s22.yaml', '[]\n---\n[]\n', '[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/s22.yaml" holds 2 YAML documents (separated by ---), but a spec file is one document: a list of workloads, or an object with a "workloads" list. Fix: put every entry in one list (remove the --- lines between them), or use one spec file per document'],
    ['s23.yaml', '\n', '[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/s23.yaml" is empty. Fix: write `workloads:` followed by a list of entries, each with at least id, namespace and image (`workloads: []` for none yet)'],
    ['s24.yaml', Buffer.from([0xfe, 0xff, 0x00, 0x2d]), '[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/s24.yaml" is not UTF-8 text (it starts like UTF-16, which some Windows tools write). Fix: save it as UTF-8'],
    ['s25.yaml', Buffer.from([0xff, 0xfe, 0x2d, 0x00]), '[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/s25.yaml" is not UTF-8 text (it starts like UTF-16, which some Windows tools write). Fix: save it as UTF-8'],
    ['s26.yaml', Buffer.from([0x2d, 0x20, 0xc3, 0x28]), '[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/s26.yaml" is not UTF-8 text. Fix: save it as UTF-8'],
    ['s27.yaml', 'a: *x\n', `[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/s27.yaml" cannot be parsed as YAML: Unresolved alias (the anchor must be set before the alias): x. ${SYNTAX_FIX}`],
    // A .json file is JSON even when its name has .yaml in it.
    ['s28.yaml.json', 'workloads: []\n', `[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/s28.yaml.json" cannot be parsed as JSON: ${jsonError('workloads: []\n')}. ${SYNTAX_FIX}`],
  ])('%s', (name, text, message) => {
    const file = write(name, text);
    expect(messageOf(() => fleetApp().fleet.addWorkloadsFromFile(file))).toBe(message);
  });

  test('a YAML syntax error: the first line of the parser\'s message', () => {
    const file = write('syntax.yaml', '[1,\n');
    expect(messageOf(() => fleetApp().fleet.addWorkloadsFromFile(file)))
      .toBe(`[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/syntax.yaml" cannot be parsed as YAML: Flow sequence must end with a ] at line 2, column 1:. ${SYNTAX_FIX}`);
  });

  test('YAML aliases that expand exponentially ("billion laughs") are rejected, not expanded', () => {
    const levels = ['a: &a [x,x,x,x,x,x,x,x,x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f'].entries()) {
      const previous = String.fromCharCode('a'.charCodeAt(0) + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const file = write('laughs.yaml', levels.join('\n') + '\n');
    expect(messageOf(() => fleetApp().fleet.addWorkloadsFromFile(file)))
      .toBe(`[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/laughs.yaml" cannot be parsed as YAML: Excessive alias count indicates a resource exhaustion attack. ${SYNTAX_FIX}`);
  });

  test('a missing file, a directory and an unreadable file', () => {
    expect(messageOf(() => fleetApp().fleet.addWorkloadsFromFile(path.join(dir, 'none.yaml'))))
      .toBe('[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/none.yaml" does not exist. Fix: pass the path of a .json, .yaml or .yml file (relative paths are relative to the working directory of `cdk synth`)');
    fs.mkdirSync(path.join(dir, 'folder.yaml'));
    expect(messageOf(() => fleetApp().fleet.addWorkloadsFromFile(path.join(dir, 'folder.yaml'))))
      .toBe('[cdk-eks-pod-identity:InvalidFleetSpec] fleet spec file "DIR/folder.yaml" is a directory, not a file. Fix: pass the path of the spec file itself, e.g. \'fleet/workloads.yaml\'');
    // (Linux: /proc/self/mem exists and is a file, but reading it from the start fails.)
    expect(messageOf(() => fleetApp().fleet.addWorkloadsFromFile('/proc/self/mem')))
      .toMatch(/^\[cdk-eks-pod-identity:InvalidFleetSpec\] fleet spec file "\/proc\/self\/mem" cannot be read: E[A-Z]+: [^.]+\. Fix: check the path and the file's permissions$/);
  });

  test('every option a spec file can set reaches the workload (YAML 1.1: yes is true)', () => {
    const file = write('full.yaml', [
      '- id: carts',
      '  namespace: shop',
      `  image: ${IMAGE}`,
      '  serviceAccountName: carts-sa',
      '  deploymentName: carts-app',
      '  createNamespace: yes',
      '  replicas: 0',
      '  command: [/app/run]',
      '  args: [serve, "--port=1"]',
      '  env: { TABLE: carts }',
      '  port: 1',
      '  migratingFromIrsa: false',
      '- id: orders',
      '  namespace: shop2',
      `  image: ${IMAGE}`,
      '  port: 65535',
    ].join('\n'));
    const [carts, orders] = fleetApp().fleet.addWorkloadsFromFile(file);
    expect(carts.serviceAccountName).toBe('carts-sa');
    expect(carts.deployment.name).toBe('carts-app');
    expect(carts.deployment.replicas).toBe(0);
    expect(carts.deployment.containers[0].command).toEqual(['/app/run']);
    expect(carts.deployment.containers[0].args).toEqual(['serve', '--port=1']);
    expect(carts.deployment.containers[0].ports.map(p => p.number)).toEqual([1]);
    expect(carts.migratingFromIrsa).toBe(false);
    expect(orders.deployment.containers[0].ports.map(p => p.number)).toEqual([65535]);
  });
});

describe('fleet messages and stacks', () => {
  test('InvalidStackCount names the value and the fix', () => {
    expect(thrownBy(() => fleetApp('imported-eks-v2', 2.5)).message)
      .toBe('[cdk-eks-pod-identity:InvalidStackCount] Fleet: stackCount 2.5 is not a whole number >= 1. Fix: omit it for the default (64), or pass the number of stacks the fleet may use');
  });

  test('DuplicateFleetWorkload names the fix', () => {
    const { fleet } = fleetApp();
    addServices(fleet, ['carts']);
    expect(thrownBy(() => addServices(fleet, ['carts'])).message).toMatch(/\(at Fleet\/Workloads\d+\/carts\)\. Fix: give every workload of the fleet its own id$/);
  });

  test('stacks are listed in the order of their index, whatever order they were created in', () => {
    const { fleet } = fleetApp('imported-eks-v2', 16);
    addServices(fleet, ids(0, 40));
    const indexes = fleet.stacks.map(stack => Number(stack.node.id.replace('Workloads', '')));
    expect(indexes.length).toBeGreaterThan(5);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    // (They were created in another order: the order in which the workloads first reached them.)
    const created = [...new Set(fleet.workloads.map(w => Number(Stack.of(w).node.id.replace('Workloads', ''))))];
    expect(created).not.toEqual(indexes);
    expect([...created].sort((a, b) => a - b)).toEqual(indexes);
  });

  test('a cluster stack with only an account: the fleet stacks get that account', () => {
    const app = new App();
    const clusterStack = new Stack(app, 'ClusterStack', { env: { account: ENV.account } });
    const fleet = new WorkloadFleet(app, 'Fleet', { cluster: makeCluster('imported-eks-v2', clusterStack), stackCount: 2 });
    addServices(fleet, ['carts']);
    expect(fleet.stacks[0].account).toBe(ENV.account);
  });

  test('an error that is not a problem of this library passes through a spec file unchanged; a problem without the usual prefix gets the entry', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-errors-'));
    const file = path.join(dir, 'one.json');
    fs.writeFileSync(file, JSON.stringify([{ id: 'a', namespace: 'a', image: IMAGE }]));
    const { fleet } = fleetApp();
    const plain = new Error('boom');
    const spy = jest.spyOn(fleet, 'addWorkload').mockImplementation(() => {
      throw plain;
    });
    expect(thrownBy(() => fleet.addWorkloadsFromFile(file))).toBe(plain);
    const odd = Object.assign(new Error('odd message'), { [Symbol.for('cdk-eks-pod-identity.ProblemId')]: 'Odd' });
    spy.mockImplementation(() => {
      throw odd;
    });
    const error = thrownBy(() => fleet.addWorkloadsFromFile(file));
    expect(error.message).toBe(`[cdk-eks-pod-identity:Odd] ${file}, entry 1 (id "a"): odd message`);
    expect(PodIdentityErrors.problemIdOf(error)).toBe('Odd');
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}
