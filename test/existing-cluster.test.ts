import { App, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ExistingCluster, ExistingClusterProps, PodIdentityAgentAddon, PodIdentityBoundWorkload, PodIdentityErrors } from '../lib';
import { ACCOUNT, ENV, KUBECTL_LAYER_ARN, KUBECTL_ROLE_ARN, REGION, newStack } from './helpers/clusters';
import { logicalIdOf } from './helpers/logical-id';

const CLUSTER_NAME = 'prod';
const ISSUER_HOST_PATH = `oidc.eks.${REGION}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;
const OIDC_PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_HOST_PATH}`;

function layer(scope: Stack, id = 'KubectlLayer'): lambda.ILayerVersion {
  return lambda.LayerVersion.fromLayerVersionArn(scope, id, KUBECTL_LAYER_ARN);
}

function importCluster(stack: Stack, props: Partial<ExistingClusterProps> = {}, id = 'Cluster'): eksv2.ICluster {
  return ExistingCluster.fromClusterName(stack, id, {
    clusterName: CLUSTER_NAME,
    kubectlRoleArn: KUBECTL_ROLE_ARN,
    kubectlLayer: props.kubectlLayer ?? layer(stack, `${id}Layer`),
    ...props,
  });
}

function workload(stack: Stack, cluster: eksv2.ICluster, id = 'Carts', migratingFromIrsa = false) {
  return new PodIdentityBoundWorkload(stack, id, {
    cluster, namespace: id.toLowerCase(), serviceAccountName: id.toLowerCase(), image: 'cart:1', migratingFromIrsa,
  });
}

/** The kubectl handler functions of the template: the Lambdas that carry the kubectl layer. */
function kubectlHandlers(template: Template): Record<string, any> {
  return Object.fromEntries(Object.entries(template.findResources('AWS::Lambda::Function'))
    .filter(([, fn]) => (fn.Properties.Layers ?? []).includes(KUBECTL_LAYER_ARN)));
}

/** The ServiceToken of every kubectl manifest of the template. */
function manifestServiceTokens(template: Template): any[] {
  return Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).map(resource => resource.Properties.ServiceToken);
}

function problemId(build: () => unknown): string | undefined {
  try {
    build();
  } catch (error) {
    return PodIdentityErrors.problemIdOf(error) ?? `not a problem: ${(error as Error).message}`;
  }
  return undefined;
}

function warningsOf(stack: Stack): string[] {
  return (stack.node.root as App).synth().getStackArtifact(stack.artifactId).messages
    .filter(m => m.level === 'warning').map(m => String(m.entry.data));
}

describe('ExistingCluster.fromClusterName', () => {
  test('builds a kubectl provider running as the kubectl role with the layer, and a workload applies its manifest through it', () => {
    const { stack } = newStack();
    const cluster = importCluster(stack);
    workload(stack, cluster);

    const template = Template.fromStack(stack);
    const handlers = Object.values(kubectlHandlers(template));
    expect(handlers).toHaveLength(1);
    // The handler runs as the given role (imported, not a new role), in no VPC (public endpoint).
    expect(handlers[0].Properties.Role).toBe(KUBECTL_ROLE_ARN);
    expect(handlers[0].Properties.VpcConfig).toBeUndefined();
    template.resourceCountIs('AWS::IAM::Role', 2); // the framework's onEvent role and the workload role: no kubectl role made
    // The workload's manifest goes to the provider's framework function, for the cluster by name.
    const provider = cluster.kubectlProvider as eksv2.KubectlProvider;
    const onEvent = provider.node.findChild('Provider').node.findChild('framework-onEvent');
    const tokens = manifestServiceTokens(template);
    expect(tokens).toEqual([{ 'Fn::GetAtt': [logicalIdOf(onEvent), 'Arn'] }]);
    template.hasResourceProperties('Custom::AWSCDK-EKS-KubernetesResource', { ClusterName: CLUSTER_NAME });
    expect(cluster.clusterName).toBe(CLUSTER_NAME);
    expect(cluster.node.path).toBe('TestStack/Cluster');
  });

  test('two calls for one cluster in one stack share one kubectl provider; the second may omit the layer', () => {
    const { stack } = newStack();
    const first = importCluster(stack, {}, 'First');
    const second = ExistingCluster.fromClusterName(stack, 'Second', { clusterName: CLUSTER_NAME, kubectlRoleArn: KUBECTL_ROLE_ARN });
    workload(stack, first, 'Carts');
    workload(stack, second, 'Orders');

    expect(second.kubectlProvider).toBe(first.kubectlProvider);
    const template = Template.fromStack(stack);
    expect(Object.keys(kubectlHandlers(template))).toHaveLength(1);
    const tokens = manifestServiceTokens(template);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).toEqual(tokens[0]);
    // One agent add-on for the cluster, whichever import asked for it.
    template.resourceCountIs('AWS::EKS::Addon', 1);
  });

  test('another cluster, or the same cluster in another stack, gets its own provider', () => {
    const { app, stack } = newStack();
    const prod = importCluster(stack);
    const staging = importCluster(stack, { clusterName: 'staging' }, 'Staging');
    const other = new Stack(app, 'Other', { env: ENV });
    const prodInOther = importCluster(other);
    expect(staging.kubectlProvider).not.toBe(prod.kubectlProvider);
    expect(prodInOther.kubectlProvider).not.toBe(prod.kubectlProvider);
    expect(Object.keys(kubectlHandlers(Template.fromStack(stack)))).toHaveLength(2);
  });

  test('a private endpoint: the kubectl Lambda runs in the given subnets with the given security groups', () => {
    const { stack } = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'] });
    importCluster(stack, {
      vpc,
      kubectlPrivateSubnets: [ec2.Subnet.fromSubnetId(stack, 'Subnet', 'subnet-1')],
      kubectlSecurityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1')],
    });
    const handlers = Object.values(kubectlHandlers(Template.fromStack(stack)));
    expect(handlers[0].Properties.VpcConfig).toEqual({ SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] });
  });

  test('the OIDC provider from its ARN or the issuer URL is the one a migrating workload\'s role trusts', () => {
    for (const props of [{ openIdConnectProviderArn: OIDC_PROVIDER_ARN }, { openIdConnectIssuerUrl: `https://${ISSUER_HOST_PATH}` }]) {
      const { stack } = newStack();
      const cluster = importCluster(stack, props);
      const migrating = workload(stack, cluster, 'Carts', true);
      const trust = Template.fromStack(stack).toJSON().Resources[logicalIdOf(migrating.role)].Properties.AssumeRolePolicyDocument;
      const federated = trust.Statement.filter((s: any) => s.Principal.Federated).map((s: any) => stack.resolve(s.Principal.Federated));
      const expected = props.openIdConnectProviderArn
        ?? { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:oidc-provider/${ISSUER_HOST_PATH}`]] };
      expect(federated).toEqual([expected]);
    }
  });

  test('without an OIDC provider a migrating workload is rejected (NoOpenIdConnectProvider)', () => {
    const { stack } = newStack();
    const cluster = importCluster(stack);
    expect(problemId(() => workload(stack, cluster, 'Carts', true))).toBe('NoOpenIdConnectProvider');
  });

  test('tokens are accepted unchecked: a cluster name, role ARN and issuer URL from parameters', () => {
    const { stack } = newStack();
    const name = new CfnParameter(stack, 'ClusterName').valueAsString;
    const cluster = importCluster(stack, {
      clusterName: name,
      kubectlRoleArn: new CfnParameter(stack, 'KubectlRoleArn').valueAsString,
      openIdConnectIssuerUrl: new CfnParameter(stack, 'Issuer').valueAsString,
    });
    workload(stack, cluster, 'Carts', true);
    // A second call with the same token reuses the provider.
    const again = ExistingCluster.fromClusterName(stack, 'Again', { clusterName: name, kubectlRoleArn: (cluster.kubectlProvider as any).role.roleArn });
    expect(again.kubectlProvider).toBe(cluster.kubectlProvider);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::AWSCDK-EKS-KubernetesResource', { ClusterName: { Ref: 'ClusterName' } });
    expect(Object.values(kubectlHandlers(template))[0].Properties.Role).toEqual({ Ref: 'KubectlRoleArn' });
  });

  test('a second call with an equal token for the kubectl role (two Fn.importValue of one export) reuses the provider', () => {
    const { stack } = newStack();
    const roleArn = () => Fn.importValue('KubectlRoleArn');
    expect(roleArn()).not.toBe(roleArn()); // distinct token strings for one value
    const first = importCluster(stack, { kubectlRoleArn: roleArn() }, 'First');
    const second = ExistingCluster.fromClusterName(stack, 'Second', { clusterName: CLUSTER_NAME, kubectlRoleArn: roleArn() });
    expect(second.kubectlProvider).toBe(first.kubectlProvider);
    const parameter = new CfnParameter(stack, 'OtherRoleArn');
    importCluster(stack, { clusterName: 'staging', kubectlRoleArn: parameter.valueAsString }, 'Staging');
    expect(() => ExistingCluster.fromClusterName(stack, 'StagingAgain', { clusterName: 'staging', kubectlRoleArn: parameter.valueAsString })).not.toThrow();
    // Tokens that resolve to other values still conflict.
    expect(problemId(() => ExistingCluster.fromClusterName(stack, 'Third', { clusterName: CLUSTER_NAME, kubectlRoleArn: Fn.importValue('OtherRoleArn') })))
      .toBe('KubectlProviderConflict');
  });

  test('a second call with the cluster name as an equal token (two Fn.importValue of one export) reuses the provider', () => {
    const { stack } = newStack();
    const first = importCluster(stack, { clusterName: Fn.importValue('ClusterName') }, 'First');
    const second = ExistingCluster.fromClusterName(stack, 'Second', { clusterName: Fn.importValue('ClusterName'), kubectlRoleArn: KUBECTL_ROLE_ARN });
    expect(second.kubectlProvider).toBe(first.kubectlProvider);
    const other = importCluster(stack, { clusterName: Fn.importValue('OtherName') }, 'Other');
    expect(other.kubectlProvider).not.toBe(first.kubectlProvider);
  });

  test('two roles of other stacks at the same path resolve alike from this stack, and still conflict', () => {
    const app = new App();
    const roleOf = (id: string) => new iam.Role(new Stack(app, id, { env: ENV }), 'Kubectl', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const [a, b] = [roleOf('A'), roleOf('B')];
    const stack = new Stack(app, 'C', { env: ENV });
    expect(JSON.stringify(stack.resolve(a.roleArn))).toBe(JSON.stringify(stack.resolve(b.roleArn))); // same GetAtt
    importCluster(stack, { kubectlRoleArn: a.roleArn }, 'One');
    expect(problemId(() => ExistingCluster.fromClusterName(stack, 'Two', { clusterName: CLUSTER_NAME, kubectlRoleArn: b.roleArn })))
      .toBe('KubectlProviderConflict');
  });

  test('a second call without vpc reuses the vpc of the first call', () => {
    const { stack } = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'] });
    importCluster(stack, { vpc }, 'First');
    const second = ExistingCluster.fromClusterName(stack, 'Second', { clusterName: CLUSTER_NAME, kubectlRoleArn: KUBECTL_ROLE_ARN });
    expect(second.vpc).toBe(vpc);
  });

  test('a kubectl role in the stack\'s account, or in a stack of unknown account, is accepted', () => {
    const app = new App();
    const agnostic = new Stack(app, 'Agnostic');
    expect(() => importCluster(agnostic, { kubectlRoleArn: 'arn:aws:iam::222222222222:role/kubectl' })).not.toThrow();
    const { stack } = newStack();
    expect(() => importCluster(stack, { kubectlRoleArn: KUBECTL_ROLE_ARN })).not.toThrow();
  });

  describe('podIdentityAgentInstalled states the agent explicitly', () => {
    test('true: no add-on is created, and no warning', () => {
      const { stack } = newStack();
      workload(stack, importCluster(stack, { podIdentityAgentInstalled: true }));
      Template.fromStack(stack).resourceCountIs('AWS::EKS::Addon', 0);
      expect(warningsOf(stack).filter(w => w.includes('AgentAddonOnImportedCluster'))).toEqual([]);
    });

    test('false: the add-on is created under the cluster, and no warning', () => {
      const { stack } = newStack();
      const cluster = importCluster(stack, { podIdentityAgentInstalled: false });
      workload(stack, cluster);
      Template.fromStack(stack).resourceCountIs('AWS::EKS::Addon', 1);
      expect(PodIdentityAgentAddon.find(cluster)?.node.path).toBe('TestStack/Cluster/PodIdentityAgentAddon');
      expect(warningsOf(stack).filter(w => w.includes('AgentAddonOnImportedCluster'))).toEqual([]);
    });

    test('not stated: the first workload creates the add-on and synthesis warns', () => {
      const { stack } = newStack();
      workload(stack, importCluster(stack));
      Template.fromStack(stack).resourceCountIs('AWS::EKS::Addon', 1);
      expect(warningsOf(stack).filter(w => w.includes('AgentAddonOnImportedCluster'))).toHaveLength(1);
    });

    test('true after a workload let the add-on be created is a contradiction (DuplicateAgentAddon)', () => {
      const { stack } = newStack();
      workload(stack, importCluster(stack, {}, 'First'));
      expect(problemId(() => ExistingCluster.fromClusterName(stack, 'Second', {
        clusterName: CLUSTER_NAME, kubectlRoleArn: KUBECTL_ROLE_ARN, podIdentityAgentInstalled: true,
      }))).toBe('DuplicateAgentAddon');
    });

    test.each([[true, false], [false, true]])('%s, then %s for the same cluster is an error naming both (AgentInstalledConflict)', (first, second) => {
      const { stack } = newStack();
      importCluster(stack, { podIdentityAgentInstalled: first }, 'First');
      expect(() => ExistingCluster.fromClusterName(stack, 'Second', {
        clusterName: CLUSTER_NAME, kubectlRoleArn: KUBECTL_ROLE_ARN, podIdentityAgentInstalled: second,
      })).toThrow(new RegExp(`^\\[cdk-eks-pod-identity:AgentInstalledConflict\\] TestStack/Second: podIdentityAgentInstalled is ${second} here but ${first} at TestStack/First for cluster "prod"; .*\\. Fix: pass the same podIdentityAgentInstalled`));
    });

    test('the same cluster imported in another stack of the app conflicts too; the same value again, or none, does not', () => {
      const { app, stack } = newStack();
      importCluster(stack, { podIdentityAgentInstalled: true }, 'First');
      const again = (id: string, podIdentityAgentInstalled?: boolean) =>
        ExistingCluster.fromClusterName(stack, id, { clusterName: CLUSTER_NAME, kubectlRoleArn: KUBECTL_ROLE_ARN, podIdentityAgentInstalled });
      expect(() => again('Again', true)).not.toThrow();
      expect(() => again('Unstated')).not.toThrow();
      const other = new Stack(app, 'Other', { env: ENV });
      expect(problemId(() => importCluster(other, { podIdentityAgentInstalled: false }))).toBe('AgentInstalledConflict');
      expect(() => importCluster(other, { clusterName: 'staging', podIdentityAgentInstalled: false }, 'Staging')).not.toThrow();
    });
  });

  describe('rejected inputs', () => {
    const vpcOf = (stack: Stack) => ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'] });
    const subnetsOf = (stack: Stack) => [ec2.Subnet.fromSubnetId(stack, 'Subnet', 'subnet-1')];
    const securityGroupsOf = (stack: Stack) => [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1')];
    test.each<[string, (stack: Stack) => Partial<ExistingClusterProps>, string]>([
      ['a name with a space', () => ({ clusterName: 'my cluster' }), 'InvalidClusterName'],
      ['the cluster ARN instead of its name', () => ({ clusterName: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod` }), 'InvalidClusterName'],
      ['an empty name', () => ({ clusterName: '' }), 'InvalidClusterName'],
      ['a name of 101 characters', () => ({ clusterName: 'a'.repeat(101) }), 'InvalidClusterName'],
      ['a name starting with -', () => ({ clusterName: '-prod' }), 'InvalidClusterName'],
      ['no kubectl role ARN', () => ({ kubectlRoleArn: undefined as any }), 'InvalidKubectlRoleArn'],
      ['an empty kubectl role ARN', () => ({ kubectlRoleArn: '' }), 'InvalidKubectlRoleArn'],
      ['a role name instead of its ARN', () => ({ kubectlRoleArn: 'kubectl-admin' }), 'InvalidKubectlRoleArn'],
      ['a user ARN', () => ({ kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:user/admin` }), 'InvalidKubectlRoleArn'],
      ['a kubectl role in another account', () => ({ kubectlRoleArn: 'arn:aws:iam::222222222222:role/kubectl' }), 'KubectlRoleInOtherAccount'],
      ['subnets without the VPC', stack => ({ kubectlPrivateSubnets: subnetsOf(stack), kubectlSecurityGroups: securityGroupsOf(stack) }), 'IncompleteKubectlNetwork'],
      ['subnets without security groups', stack => ({ vpc: vpcOf(stack), kubectlPrivateSubnets: subnetsOf(stack) }), 'IncompleteKubectlNetwork'],
      ['security groups without subnets', stack => ({ kubectlSecurityGroups: securityGroupsOf(stack) }), 'IncompleteKubectlNetwork'],
      ['both OIDC provider ARN and issuer URL', () => ({ openIdConnectProviderArn: OIDC_PROVIDER_ARN, openIdConnectIssuerUrl: `https://${ISSUER_HOST_PATH}` }), 'InvalidOpenIdConnectProvider'],
      ['an OIDC provider ARN that is not one', () => ({ openIdConnectProviderArn: `arn:aws:iam::${ACCOUNT}:role/oidc` }), 'InvalidOpenIdConnectProvider'],
      ['an issuer URL without https://', () => ({ openIdConnectIssuerUrl: ISSUER_HOST_PATH }), 'InvalidOpenIdConnectProvider'],
    ])('%s', (_name, props, id) => {
      const { stack } = newStack();
      expect(problemId(() => importCluster(stack, props(stack)))).toBe(id);
    });

    test('the message names the construct, the value and the fix', () => {
      const { stack } = newStack();
      expect(() => importCluster(stack, { clusterName: 'my cluster' }))
        .toThrow(/^\[cdk-eks-pod-identity:InvalidClusterName\] TestStack\/Cluster: clusterName "my cluster" is not an EKS cluster name .*\. Fix: /);
    });

    test('a kubectl role in another account: the message names the role, both accounts and the fix', () => {
      const { stack } = newStack();
      expect(() => importCluster(stack, { kubectlRoleArn: 'arn:aws:iam::222222222222:role/kubectl' })).toThrow(
        /^\[cdk-eks-pod-identity:KubectlRoleInOtherAccount\] TestStack\/Cluster: kubectlRoleArn "arn:aws:iam::222222222222:role\/kubectl" is in account 222222222222 but the stack is in account 111111111111; .*\. Fix: .*role in account 111111111111/);
    });

    test('the first call without a layer (NoKubectlLayer)', () => {
      const { stack } = newStack();
      expect(problemId(() => ExistingCluster.fromClusterName(stack, 'Cluster', { clusterName: CLUSTER_NAME, kubectlRoleArn: KUBECTL_ROLE_ARN })))
        .toBe('NoKubectlLayer');
    });

    test.each<[string, (stack: Stack) => Partial<ExistingClusterProps>]>([
      ['another kubectl role', () => ({ kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:role/other` })],
      ['another layer', stack => ({ kubectlLayer: layer(stack, 'OtherLayer') })],
      ['private subnets the first call did not have', stack => ({
        vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'] }),
        kubectlPrivateSubnets: [ec2.Subnet.fromSubnetId(stack, 'Subnet', 'subnet-1')],
        kubectlSecurityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1')],
      })],
    ])('a second call for the cluster in the stack with %s (KubectlProviderConflict)', (_name, props) => {
      const { stack } = newStack();
      importCluster(stack, {}, 'First');
      expect(problemId(() => ExistingCluster.fromClusterName(stack, 'Second', {
        clusterName: CLUSTER_NAME, kubectlRoleArn: KUBECTL_ROLE_ARN, ...props(stack),
      }))).toBe('KubectlProviderConflict');
    });
  });
});
