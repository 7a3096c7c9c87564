import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityAgentAddon, PodIdentityBoundWorkload, PodIdentityBoundWorkloadProps, PodIdentityErrors, PodIdentityRole } from '../lib';
import { ACCOUNT, ENV, KUBECTL_PROVIDER_SERVICE_TOKEN, importedEksV2Cluster, newEksV2Cluster, newStack } from './helpers/clusters';
import { kubernetesObjects } from './helpers/manifests';
import { IamSimulationJudge } from './judges/iam-simulation';

const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
const SUB = 'system:serviceaccount:carts:carts';

/** The cluster IRSA runs on today: imported with its OIDC provider and a kubectl provider. */
function clusterWithOidc(stack: Stack): eksv2.ICluster {
  return eksv2.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'prod',
    openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc', PROVIDER_ARN),
    kubectlProvider: eksv2.KubectlProvider.fromKubectlProviderAttributes(stack, 'KubectlProvider', { serviceToken: KUBECTL_PROVIDER_SERVICE_TOKEN }),
  });
}

function workloadStack(props: Partial<PodIdentityBoundWorkloadProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const cluster = clusterWithOidc(stack);
  PodIdentityAgentAddon.of(cluster); // the agent is not installed yet, stated (else AgentAddonOnImportedCluster warns)
  const workload = new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', serviceAccountName: 'carts', image: 'cart:1', ...props });
  return { app, stack, workload };
}

function objectOfKind(stack: Stack, kind: string): any {
  const found = kubernetesObjects(Template.fromStack(stack)).filter((o: any) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('a PodIdentityRole that also trusts IRSA for one service account', () => {
  function roleStack(irsa: boolean) {
    const { stack } = newStack();
    const cluster = clusterWithOidc(stack);
    const role = new PodIdentityRole(stack, 'Role', {
      scopeTrustToAssociations: true,
      irsaServiceAccounts: irsa ? [{ openIdConnectProvider: cluster.openIdConnectProvider, namespace: 'carts', serviceAccount: 'carts' }] : undefined,
    });
    role.associate(cluster, { namespace: 'carts', serviceAccount: 'carts' });
    return { stack, role };
  }

  test('the trust statement: AssumeRoleWithWebIdentity by the provider, exact sub and aud', () => {
    const { stack } = roleStack(true);
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0].Properties.AssumeRolePolicyDocument.Statement;
    expect(statements).toHaveLength(2);
    expect(statements.find((statement: any) => statement.Action === 'sts:AssumeRoleWithWebIdentity')).toEqual({
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: PROVIDER_ARN },
      Condition: { StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com', [`${ISSUER}:sub`]: SUB } },
    });
  });

  test('IAM simulation during the migration: both IRSA (this service account only) and Pod Identity may assume', async () => {
    const { stack, role } = roleStack(true);
    const judge = IamSimulationJudge.fromStack(stack);
    expect(await judge.webIdentityAllows(role, { providerArn: PROVIDER_ARN, sub: SUB })).toBe('Allowed');
    expect(await judge.trustAllows(role, { sessionTags: judge.eksSessionTags(role) })).toBe('Allowed');
    // Exactly this service account, this audience, this provider.
    expect(await judge.webIdentityAllows(role, { providerArn: PROVIDER_ARN, sub: 'system:serviceaccount:carts:other' })).not.toBe('Allowed');
    expect(await judge.webIdentityAllows(role, { providerArn: PROVIDER_ARN, sub: 'system:serviceaccount:orders:carts' })).not.toBe('Allowed');
    expect(await judge.webIdentityAllows(role, { providerArn: PROVIDER_ARN, sub: SUB, aud: 'other' })).not.toBe('Allowed');
    const otherCluster = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/OTHER`;
    expect(await judge.webIdentityAllows(role, { providerArn: otherCluster, sub: SUB })).not.toBe('Allowed');
  });

  test('IAM simulation after it: only Pod Identity may assume', async () => {
    const { stack, role } = roleStack(false);
    const judge = IamSimulationJudge.fromStack(stack);
    expect(await judge.webIdentityAllows(role, { providerArn: PROVIDER_ARN, sub: SUB })).not.toBe('Allowed');
    expect(await judge.trustAllows(role, { sessionTags: judge.eksSessionTags(role) })).toBe('Allowed');
  });

  test('the judge evaluates the conditions: a wildcard sub (not what this library writes) admits the namespace', async () => {
    const { stack } = newStack();
    const role = new iam.Role(stack, 'Loose', {
      assumedBy: new iam.FederatedPrincipal(PROVIDER_ARN, { StringLike: { [`${ISSUER}:sub`]: 'system:serviceaccount:carts:*' } }, 'sts:AssumeRoleWithWebIdentity'),
    });
    const judge = IamSimulationJudge.fromStack(stack);
    expect(await judge.webIdentityAllows(role, { providerArn: PROVIDER_ARN, sub: 'system:serviceaccount:carts:other' })).toBe('Allowed');
    expect(await judge.webIdentityAllows(role, { providerArn: PROVIDER_ARN, sub: 'system:serviceaccount:orders:other' })).not.toBe('Allowed');
  });

  test('a new cluster\'s issuer is a token: the condition keys go through CfnJson, as aws-cdk-lib\'s IRSA does', () => {
    const { stack } = newStack();
    const cluster = newEksV2Cluster(stack);
    const role = new PodIdentityRole(stack, 'Role');
    role.addIrsaServiceAccount({ openIdConnectProvider: cluster.openIdConnectProvider, namespace: 'carts', serviceAccount: 'carts' });
    const template = Template.fromStack(stack);
    const cfnJson = Object.entries(template.findResources('Custom::AWSCDKCfnJson'));
    expect(cfnJson).toHaveLength(1);
    const statement = template.toJSON().Resources[stack.resolve((role.node.defaultChild as iam.CfnRole).logicalId)]
      .Properties.AssumeRolePolicyDocument.Statement[1];
    expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(statement.Condition).toEqual({ StringEquals: { 'Fn::GetAtt': [cfnJson[0][0], 'Value'] } });
    expect(JSON.stringify(cfnJson[0][1].Properties.Value)).toContain(`:sub\\":\\"${SUB}\\"`);
  });

  test('bad service account names are rejected', () => {
    const { stack } = newStack();
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc', PROVIDER_ARN);
    const role = new PodIdentityRole(stack, 'Role');
    expect(() => role.addIrsaServiceAccount({ openIdConnectProvider: provider, namespace: 'Carts', serviceAccount: 'carts' }))
      .toThrow(/InvalidNamespace/);
    expect(() => role.addIrsaServiceAccount({ openIdConnectProvider: provider, namespace: 'carts', serviceAccount: 'Carts_1' }))
      .toThrow(/InvalidServiceAccountName/);
  });
});

describe('a workload moving off IRSA', () => {
  test('step 1 (migratingFromIrsa): annotated ServiceAccount, marked pods, role trusted by both, no warning', async () => {
    const { app, stack, workload } = workloadStack({ migratingFromIrsa: true });
    const roleId = stack.resolve((workload.role.node.defaultChild as iam.CfnRole).logicalId);
    const serviceAccount = objectOfKind(stack, 'ServiceAccount');
    expect(serviceAccount.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': `<GetAtt:${roleId}.Arn>` });
    const deployment = objectOfKind(stack, 'Deployment');
    expect(deployment.spec.template.metadata.annotations).toEqual({
      'cdk-eks-pod-identity/irsa-migration': 'true',
      'cdk-eks-pod-identity/identity-hash': expect.stringMatching(/^[0-9a-f]{16}$/),
    });

    const judge = IamSimulationJudge.fromStack(stack);
    expect(await judge.webIdentityAllows(workload, { providerArn: PROVIDER_ARN, sub: SUB })).toBe('Allowed');
    expect(await judge.trustAllows(workload, { sessionTags: judge.eksSessionTags(workload) })).toBe('Allowed');
    const messages = app.synth().getStackArtifact(stack.artifactId).messages;
    expect(messages.filter(m => m.level !== 'info')).toEqual([]);
  });

  test('step 2 (flag removed): no annotation, pods no longer marked (so they roll), only Pod Identity trusted', async () => {
    const { stack, workload } = workloadStack();
    expect(objectOfKind(stack, 'ServiceAccount').metadata.annotations).toBeUndefined();
    // (only the identity hash, which the migration does not change: the role is the same)
    expect(Object.keys(objectOfKind(stack, 'Deployment').spec.template.metadata.annotations)).toEqual(['cdk-eks-pod-identity/identity-hash']);
    const judge = IamSimulationJudge.fromStack(stack);
    expect(await judge.webIdentityAllows(workload, { providerArn: PROVIDER_ARN, sub: SUB })).not.toBe('Allowed');
    expect(await judge.trustAllows(workload, { sessionTags: judge.eksSessionTags(workload) })).toBe('Allowed');
  });

  test('a PodIdentityRole passed in gets the IRSA trust too', async () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const role = new PodIdentityRole(stack, 'Shared');
    const workload = new PodIdentityBoundWorkload(stack, 'Carts', {
      cluster: clusterWithOidc(stack), namespace: 'carts', serviceAccountName: 'carts', image: 'cart:1', role, migratingFromIrsa: true,
    });
    expect(workload.role).toBe(role);
    const judge = IamSimulationJudge.fromStack(stack);
    expect(await judge.webIdentityAllows(role, { providerArn: PROVIDER_ARN, sub: SUB })).toBe('Allowed');
  });

  test('an imported cluster without an OIDC provider: a clear error', () => {
    const { stack } = newStack();
    const cluster = importedEksV2Cluster(stack);
    let problem: string | undefined;
    try {
      new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1', migratingFromIrsa: true });
    } catch (e) {
      problem = PodIdentityErrors.problemIdOf(e);
      expect((e as Error).message).toMatch(/has no IAM OIDC provider.*Fix: import the cluster with ExistingCluster\.fromClusterName\(scope, id, \{ \.\.\., openIdConnectIssuerUrl \}\)/);
    }
    expect(problem).toBe('NoOpenIdConnectProvider');
  });
});
