// judge:smoke's README app (.ci/smoke/readme-snippets.js, check-readme-template.js): the app is assembled from the
// README's "Use an existing cluster" and "One workload" code blocks; a missing section, a type error and a template
// that does not do what the README says must each fail, naming the README section.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV33Layer } from '@aws-cdk/lambda-layer-kubectl-v33';
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ExistingCluster, PodIdentityBoundWorkload } from '../../lib';

const SMOKE = path.join(__dirname, '..', '..', '.ci', 'smoke');
const README = path.join(__dirname, '..', '..', 'README.md');
const ROLE = 'arn:aws:iam::123456789012:role/my-kubectl';

const dirs: string[] = [];
const scratch = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-readme-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));
const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, [path.join(SMOKE, script), ...args], { encoding: 'utf-8' });

describe('readme-snippets.js write', () => {
  test('assembles both README sections into one stack, imports hoisted, each line mapped to its README line', () => {
    const dir = scratch();
    const out = path.join(dir, 'readme-app.ts');
    const result = run('readme-snippets.js', 'write', README, out);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const source = fs.readFileSync(out, 'utf8').split('\n');
    const readme = fs.readFileSync(README, 'utf8').split('\n');
    const { lines } = JSON.parse(fs.readFileSync(path.join(dir, 'readme-app.map.json'), 'utf8'));
    // Every README-origin line is that README line (indented into the constructor or hoisted as an import).
    const origins = lines.map((origin: any, i: number) => origin && { ...origin, text: source[i] }).filter(Boolean);
    expect(origins.length).toBeGreaterThan(10);
    for (const origin of origins) expect(origin.text.trim()).toBe(readme[origin.line - 1].trim());
    expect(new Set(origins.map((o: any) => o.section))).toEqual(new Set(['### Use an existing cluster', '### One workload']));
    // Imports before the class, the snippets' statements inside the constructor.
    const classLine = source.findIndex(l => l.startsWith('class ReadmeStack'));
    expect(source.findIndex(l => l.includes("from 'cdk-eks-pod-identity'"))).toBeLessThan(classLine);
    expect(source.findIndex(l => l.includes('ExistingCluster.fromClusterName(this'))).toBeGreaterThan(classLine);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'readme-app.facts.json'), 'utf8')))
      .toEqual({ kubectlRoleArn: ROLE, clusterName: 'my-cluster', podIdentityAgentInstalled: true });
  });

  test('a renamed section fails naming it', () => {
    const dir = scratch();
    const readme = path.join(dir, 'README.md');
    fs.writeFileSync(readme, fs.readFileSync(README, 'utf8').replace(/^### One workload$/m, '### A workload'));
    const result = run('readme-snippets.js', 'write', readme, path.join(dir, 'readme-app.ts'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/README\.md has no section "### One workload"/);
  });

  test('a section without a ```ts block fails naming it', () => {
    const dir = scratch();
    const readme = path.join(dir, 'README.md');
    fs.writeFileSync(readme, '### Use an existing cluster\n\n```bash\nls\n```\n\n### One workload\n\n```ts\nconst a = 1;\n```\n');
    const result = run('readme-snippets.js', 'write', readme, path.join(dir, 'readme-app.ts'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/README section "### Use an existing cluster" has no ```ts code block/);
  });
});

describe('readme-snippets.js explain', () => {
  test("a tsc error in the assembled app is reported at its README line and section; the wrapper's as the wrapper", () => {
    const dir = scratch();
    const out = path.join(dir, 'readme-app.ts');
    expect(run('readme-snippets.js', 'write', README, out).status).toBe(0);
    const { lines } = JSON.parse(fs.readFileSync(path.join(dir, 'readme-app.map.json'), 'utf8'));
    const index = lines.findIndex((o: any) => o?.section === '### One workload');
    const log = path.join(dir, 'tsc.log');
    fs.writeFileSync(log, `readme-app.ts(${index + 1},5): error TS2304: Cannot find name 'x'.\nreadme-app.ts(1,1): error TS1: wrapper.\n`);
    const result = run('readme-snippets.js', 'explain', log, path.join(dir, 'readme-app.map.json'));
    expect(result.stderr).toMatch(/README section "### One workload" does not compile/);
    expect(result.stderr).toContain(`README.md:${lines[index].line} (section "### One workload"): error TS2304: Cannot find name 'x'.`);
    expect(result.stderr).toContain('readme-app.ts:1 (wrapper): error TS1: wrapper.');
  });
});

describe('check-readme-template.js', () => {
  /** The README's app, built from the library's sources (synthesized once per agent setting). */
  const synthesized = new Map<boolean, string>();
  function readmeTemplate(agentInstalled: boolean): any {
    if (!synthesized.has(agentInstalled)) synthesized.set(agentInstalled, JSON.stringify(synthesize(agentInstalled)));
    return JSON.parse(synthesized.get(agentInstalled)!);
  }
  function synthesize(agentInstalled: boolean) {
    const app = new App();
    const stack = new Stack(app, 'ReadmeStack', { env: { account: '123456789012', region: 'us-east-1' } });
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    const cluster = ExistingCluster.fromClusterName(stack, 'Cluster', {
      clusterName: 'my-cluster',
      kubectlRoleArn: ROLE,
      kubectlLayer: new KubectlV33Layer(stack, 'KubectlLayer'),
      podIdentityAgentInstalled: agentInstalled,
    });
    const carts = new PodIdentityBoundWorkload(stack, 'Carts', {
      cluster, namespace: 'carts', serviceAccountName: 'carts', image: 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0', port: 8080,
    });
    table.grantReadWriteData(carts);
    return app.synth().getStackByName('ReadmeStack').template;
  }
  /** Checks a copy of that template; `change` edits it first, `metadata` is written beside it. */
  function check(options: { agentInstalled?: boolean; change?: (t: any) => void; metadata?: object } = {}) {
    const template = readmeTemplate(options.agentInstalled ?? true);
    options.change?.(template);
    const dir = scratch();
    fs.writeFileSync(path.join(dir, 'ReadmeStack.template.json'), JSON.stringify(template));
    if (options.metadata) fs.writeFileSync(path.join(dir, 'ReadmeStack.metadata.json'), JSON.stringify(options.metadata));
    fs.writeFileSync(path.join(dir, 'facts.json'), JSON.stringify({ kubectlRoleArn: ROLE, clusterName: 'my-cluster', podIdentityAgentInstalled: true }));
    const result = run('check-readme-template.js', path.join(dir, 'ReadmeStack.template.json'), path.join(dir, 'facts.json'));
    return { status: result.status, output: result.stdout + result.stderr };
  }
  const idOf = (t: any, type: string, where: (r: any) => boolean = () => true) =>
    Object.entries(t.Resources).find(([, r]: [string, any]) => r.Type === type && where(r))![0];

  test("the library's app as the README writes it passes", () => {
    const result = check();
    expect(result.output).toMatch(/README app template ok .* no agent add-on, carts\/carts bound/);
    expect(result.status).toBe(0);
  });

  test('an agent add-on although the snippet declares the agent installed fails', () => {
    const result = check({ agentInstalled: false });
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/"### Use an existing cluster": the snippet passes podIdentityAgentInstalled: true, so 0 AWS::EKS::Addon expected, found 1/);
  });

  test('a kubectl Lambda without the kubectl layer, or running as another role, fails', () => {
    const noLayer = check({
      change: t => {
        const fn = t.Resources[idOf(t, 'AWS::Lambda::Function', r => r.Properties.Role === ROLE)];
        fn.Properties.Layers = fn.Properties.Layers.filter((l: any) => !/^KubectlLayer/.test(l.Ref));
      },
    });
    expect(noLayer.status).toBe(1);
    expect(noLayer.output).toMatch(/has no kubectl layer/);
    const otherRole = check({ change: t => { t.Resources[idOf(t, 'AWS::Lambda::Function', r => r.Properties.Role === ROLE)].Properties.Role = 'arn:aws:iam::123456789012:role/other'; } });
    expect(otherRole.status).toBe(1);
    expect(otherRole.output).toMatch(/expected 1 kubectl Lambda running as arn:aws:iam::123456789012:role\/my-kubectl, found 0/);
  });

  test('a manifest not applied by the kubectl provider, or not after the association, fails', () => {
    const result = check({
      change: t => {
        const manifest = t.Resources[idOf(t, 'Custom::AWSCDK-EKS-KubernetesResource')];
        manifest.Properties.ServiceToken = 'arn:aws:lambda:us-east-1:123456789012:function:other';
        delete manifest.DependsOn;
      },
    });
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/ServiceToken "arn:aws:lambda:us-east-1:123456789012:function:other" is not the kubectl provider/);
    expect(result.output).toMatch(/"### One workload": manifest .* does not depend on the association/);
  });

  test('another association, or no grant on the table, fails', () => {
    const other = check({ change: t => { t.Resources[idOf(t, 'AWS::EKS::PodIdentityAssociation')].Properties.ServiceAccount = 'default'; } });
    expect(other.status).toBe(1);
    expect(other.output).toMatch(/expected one association carts\/carts, found carts\/default/);
    const noGrant = check({ change: t => { delete t.Resources[idOf(t, 'AWS::IAM::Policy', r => JSON.stringify(r).includes('dynamodb:PutItem'))]; } });
    expect(noGrant.status).toBe(1);
    expect(noGrant.output).toMatch(/table\.grantReadWriteData\(carts\) did not grant dynamodb:PutItem/);
  });

  test('a warning or error annotation in the assembly fails', () => {
    const result = check({ metadata: { '/ReadmeStack/Carts': [{ type: 'aws:cdk:warning', data: 'something to fix' }] } });
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/warning at \/ReadmeStack\/Carts: something to fix/);
  });
});
