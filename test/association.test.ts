import { App, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PodIdentityAgentAddon, PodIdentityAssociation, PodIdentityRole } from '../lib';
import {
  ACCOUNT,
  AnyCluster,
  CLUSTER_KINDS,
  ClusterKind,
  ENV,
  clusterNameIn,
  importedEksCluster,
  importedEksV2Cluster,
  makeCluster,
  newEksV2Cluster,
  stackWithCluster,
} from './helpers/clusters';
import { expectProblemThrown, messageOf, prodClusterStack } from './helpers/errors';
import { logicalIdOf } from './helpers/logical-id';

const ASSOCIATION = 'AWS::EKS::PodIdentityAssociation';
const TARGET_ROLE_ARN = 'arn:aws:iam::222222222222:role/cross-account-target';

function onlyAssociation(template: Template): { logicalId: string; resource: Record<string, any> } {
  const associations = Object.entries(template.findResources(ASSOCIATION));
  expect(associations).toHaveLength(1);
  const [logicalId, resource] = associations[0];
  return { logicalId, resource };
}

describe.each(CLUSTER_KINDS)('PodIdentityAssociation on a %s cluster', (kind: ClusterKind) => {
  test('renders the minimal properties and depends on the agent add-on and the role', () => {
    const { stack, cluster } = stackWithCluster(kind);
    const role = new PodIdentityRole(stack, 'Role');
    const association = new PodIdentityAssociation(stack, 'Association', { cluster, role, namespace: 'shop', serviceAccount: 'cart' });

    const template = Template.fromStack(stack);
    const { logicalId, resource } = onlyAssociation(template);
    expect(resource.Properties).toEqual({
      ClusterName: clusterNameIn(stack, cluster),
      Namespace: 'shop',
      ServiceAccount: 'cart',
      RoleArn: { 'Fn::GetAtt': [logicalIdOf(role), 'Arn'] },
    });
    expect(resource.DependsOn).toContain(logicalIdOf((PodIdentityAgentAddon.of(cluster) as PodIdentityAgentAddon).resource!));
    // The role is ordered by the GetAtt already: a DependsOn too would be cfn-lint's W3005.
    expect(resource.DependsOn).not.toContain(logicalIdOf(role));
    expect(logicalIdOf(association.resource)).toBe(logicalId);
    expect(association.disableSessionTags).toBe(false);
    expect(association.targetRole).toBeUndefined();
  });

  test('associationArn and associationId resolve to the resource\'s attributes', () => {
    const { stack, cluster } = stackWithCluster(kind);
    const association = new PodIdentityAssociation(stack, 'Association', {
      cluster, role: new PodIdentityRole(stack, 'Role'), namespace: 'shop', serviceAccount: 'cart',
    });
    const { logicalId } = onlyAssociation(Template.fromStack(stack));
    expect(stack.resolve(association.associationArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'AssociationArn'] });
    expect(stack.resolve(association.associationId)).toEqual({ 'Fn::GetAtt': [logicalId, 'AssociationId'] });
  });
});

describe('PodIdentityAssociation properties', () => {
  test('every CloudFormation property is rendered', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const role = new PodIdentityRole(stack, 'Role');
    const targetRole = iam.Role.fromRoleArn(stack, 'Target', TARGET_ROLE_ARN);
    const sessionPolicy = new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::cart-assets/*'] })],
    });
    const association = new PodIdentityAssociation(stack, 'Association', {
      cluster,
      role,
      namespace: 'shop',
      serviceAccount: 'cart',
      targetRole,
      disableSessionTags: true,
      sessionPolicy,
      tags: { 'team': 'cart', 'cost-center': '42' },
    });

    const { resource } = onlyAssociation(Template.fromStack(stack));
    expect(resource.Properties).toEqual({
      ClusterName: 'imported-v2-cluster',
      Namespace: 'shop',
      ServiceAccount: 'cart',
      RoleArn: { 'Fn::GetAtt': [logicalIdOf(role), 'Arn'] },
      TargetRoleArn: TARGET_ROLE_ARN,
      DisableSessionTags: true,
      Policy: JSON.stringify({
        Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::cart-assets/*' }],
        Version: '2012-10-17',
      }),
      Tags: [{ Key: 'cost-center', Value: '42' }, { Key: 'team', Value: 'cart' }],
    });
    expect(association.disableSessionTags).toBe(true);
    expect(association.targetRole).toBe(targetRole);
    expect(association.role).toBe(role);
  });

  test('the session policy is a JSON string that parses back to the policy document', () => {
    const { stack, cluster } = stackWithCluster('imported-eks');
    const sessionPolicy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/cart`] }),
        new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['dynamodb:DeleteTable'], resources: ['*'] }),
      ],
    });
    new PodIdentityAssociation(stack, 'Association', {
      cluster, role: new PodIdentityRole(stack, 'Role'), namespace: 'shop', serviceAccount: 'cart', disableSessionTags: true, sessionPolicy,
    });

    const { resource } = onlyAssociation(Template.fromStack(stack));
    expect(typeof resource.Properties.Policy).toBe('string');
    expect(JSON.parse(resource.Properties.Policy)).toEqual(stack.resolve(sessionPolicy.toJSON()));
  });

  test('a session policy with tokens renders as Fn::Join with the references', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const bucket = new s3.Bucket(stack, 'Bucket');
    new PodIdentityAssociation(stack, 'Association', {
      cluster,
      role: new PodIdentityRole(stack, 'Role'),
      namespace: 'shop',
      serviceAccount: 'cart',
      disableSessionTags: true,
      sessionPolicy: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] })],
      }),
    });

    const { resource } = onlyAssociation(Template.fromStack(stack));
    const policy = resource.Properties.Policy;
    expect(policy['Fn::Join'][0]).toBe('');
    expect(policy['Fn::Join'][1]).toContainEqual({ 'Fn::GetAtt': [logicalIdOf(bucket), 'Arn'] });
  });

  test('a token target role ARN is passed through', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const target = new iam.Role(stack, 'Target', { assumedBy: new iam.AccountRootPrincipal() });
    new PodIdentityAssociation(stack, 'Association', {
      cluster, role: new PodIdentityRole(stack, 'Role'), namespace: 'shop', serviceAccount: 'cart', targetRole: target,
    });
    const { resource } = onlyAssociation(Template.fromStack(stack));
    expect(resource.Properties.TargetRoleArn).toEqual({ 'Fn::GetAtt': [logicalIdOf(target), 'Arn'] });
  });

  test('disableSessionTags: false is rendered as false', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const association = new PodIdentityAssociation(stack, 'Association', {
      cluster, role: new PodIdentityRole(stack, 'Role'), namespace: 'shop', serviceAccount: 'cart', disableSessionTags: false,
    });
    expect(association.disableSessionTags).toBe(false);
    const { resource } = onlyAssociation(Template.fromStack(stack));
    expect(resource.Properties.DisableSessionTags ?? false).toBe(false);
  });

  test('Tags.of() adds to the association tags', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    new PodIdentityAssociation(stack, 'Association', {
      cluster, role: new PodIdentityRole(stack, 'Role'), namespace: 'shop', serviceAccount: 'cart', tags: { team: 'cart' },
    });
    Tags.of(stack).add('environment', 'test');
    const { resource } = onlyAssociation(Template.fromStack(stack));
    expect(resource.Properties.Tags).toEqual(expect.arrayContaining([
      { Key: 'team', Value: 'cart' },
      { Key: 'environment', Value: 'test' },
    ]));
  });

  test('an imported role works as the association role', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const role = iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/existing`);
    new PodIdentityAssociation(stack, 'Association', { cluster, role, namespace: 'shop', serviceAccount: 'cart' });
    const { resource } = onlyAssociation(Template.fromStack(stack));
    expect(resource.Properties.RoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/existing`);
  });
});

describe('PodIdentityAssociation dependencies', () => {
  test.each(CLUSTER_KINDS)('on a %s cluster: DependsOn has the agent add-on and the role\'s DefaultPolicy, not the role (its GetAtt orders it)', (kind: ClusterKind) => {
    const { stack, cluster } = stackWithCluster(kind);
    const role = new PodIdentityRole(stack, 'Role');
    new s3.Bucket(stack, 'Bucket').grantRead(role);
    new PodIdentityAssociation(stack, 'Association', { cluster, role, namespace: 'shop', serviceAccount: 'cart' });

    const template = Template.fromStack(stack);
    const { logicalId } = onlyAssociation(template);
    const dependsOn: string[] = template.toJSON().Resources[logicalId].DependsOn;
    expect(dependsOn).toContain(logicalIdOf((PodIdentityAgentAddon.of(cluster) as PodIdentityAgentAddon).resource!));
    expect(dependsOn).not.toContain(logicalIdOf(role));
    expect(dependsOn).toContain(logicalIdOf(role.node.findChild('DefaultPolicy')));
  });

  test('a grant made after the association is still depended on (dependencies are resolved at synthesis)', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const role = new PodIdentityRole(stack, 'Role');
    const association = role.associate(cluster, { namespace: 'shop', serviceAccount: 'cart' });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));

    const resources = Template.fromStack(stack).toJSON().Resources;
    const defaultPolicyId = logicalIdOf(role.node.findChild('DefaultPolicy'));
    expect(resources[defaultPolicyId].Type).toBe('AWS::IAM::Policy');
    expect(resources[logicalIdOf(association.resource)].DependsOn).toEqual(expect.arrayContaining([
      defaultPolicyId,
      logicalIdOf((PodIdentityAgentAddon.of(cluster) as PodIdentityAgentAddon).resource!),
    ]));
  });

  test('associations of one role do not depend on each other (no cycle)', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const role = new PodIdentityRole(stack, 'Role');
    new s3.Bucket(stack, 'Bucket').grantRead(role);
    const first = role.associate(cluster, { namespace: 'shop', serviceAccount: 'cart' });
    const second = role.associate(cluster, { namespace: 'shop', serviceAccount: 'orders' });

    const resources = Template.fromStack(stack).toJSON().Resources;
    const firstId = logicalIdOf(first.resource);
    const secondId = logicalIdOf(second.resource);
    expect(resources[firstId].DependsOn).not.toContain(secondId);
    expect(resources[secondId].DependsOn).not.toContain(firstId);
    for (const id of [firstId, secondId]) {
      expect(resources[id].DependsOn).toContain(logicalIdOf(role.node.findChild('DefaultPolicy')));
    }
  });
});

describe('PodIdentityAssociation logical id', () => {
  type Build = (stack: Stack, cluster: AnyCluster, role: iam.IRole) => PodIdentityAssociation;

  function logicalIdWith(kind: ClusterKind, build: Build): string {
    const app = new App();
    const stack = new Stack(app, 'TestStack', { env: ENV });
    const cluster = makeCluster(kind, stack);
    const association = build(stack, cluster, new PodIdentityRole(stack, 'Role'));
    const { logicalId } = onlyAssociation(Template.fromStack(stack));
    expect(logicalIdOf(association.resource)).toBe(logicalId);
    return logicalId;
  }

  test.each(CLUSTER_KINDS)('on a %s cluster: renaming or moving the construct keeps the logical id', (kind: ClusterKind) => {
    const original = logicalIdWith(kind, (stack, cluster, role) =>
      new PodIdentityAssociation(stack, 'Cart', { cluster, role, namespace: 'shop', serviceAccount: 'cart' }));
    const renamed = logicalIdWith(kind, (stack, cluster, role) =>
      new PodIdentityAssociation(stack, 'CartRenamed', { cluster, role, namespace: 'shop', serviceAccount: 'cart' }));
    const moved = logicalIdWith(kind, (stack, cluster, role) =>
      new PodIdentityAssociation(new Construct(new Construct(stack, 'Team'), 'Service'), 'Binding', { cluster, role, namespace: 'shop', serviceAccount: 'cart' }));
    const viaRole = logicalIdWith(kind, (_stack, cluster, role) =>
      (role as PodIdentityRole).associate(cluster, { namespace: 'shop', serviceAccount: 'cart' }));

    expect(renamed).toBe(original);
    expect(moved).toBe(original);
    expect(viaRole).toBe(original);
  });

  test('changing the namespace, the service account or the cluster changes the logical id', () => {
    const base = logicalIdWith('imported-eks-v2', (stack, cluster, role) =>
      new PodIdentityAssociation(stack, 'Cart', { cluster, role, namespace: 'shop', serviceAccount: 'cart' }));
    const otherNamespace = logicalIdWith('imported-eks-v2', (stack, cluster, role) =>
      new PodIdentityAssociation(stack, 'Cart', { cluster, role, namespace: 'checkout', serviceAccount: 'cart' }));
    const otherServiceAccount = logicalIdWith('imported-eks-v2', (stack, cluster, role) =>
      new PodIdentityAssociation(stack, 'Cart', { cluster, role, namespace: 'shop', serviceAccount: 'orders' }));
    const otherCluster = logicalIdWith('imported-eks-v2', (stack, _cluster, role) =>
      new PodIdentityAssociation(stack, 'Cart', {
        cluster: importedEksV2Cluster(stack, 'Other', 'another-cluster'), role, namespace: 'shop', serviceAccount: 'cart',
      }));

    expect(new Set([base, otherNamespace, otherServiceAccount, otherCluster]).size).toBe(4);
  });

  test('namespace and service account cannot be confused with each other', () => {
    const a = logicalIdWith('imported-eks', (stack, cluster, role) =>
      new PodIdentityAssociation(stack, 'A', { cluster, role, namespace: 'shop', serviceAccount: 'cart' }));
    const swapped = logicalIdWith('imported-eks', (stack, cluster, role) =>
      new PodIdentityAssociation(stack, 'A', { cluster, role, namespace: 'cart', serviceAccount: 'shop' }));
    const shifted = logicalIdWith('imported-eks', (stack, cluster, role) =>
      new PodIdentityAssociation(stack, 'A', { cluster, role, namespace: 'shopc', serviceAccount: 'art' }));
    const dotted = logicalIdWith('imported-eks', (stack, cluster, role) =>
      new PodIdentityAssociation(stack, 'A', { cluster, role, namespace: 'shop', serviceAccount: 'c.art' }));
    expect(new Set([a, swapped, shifted, dotted]).size).toBe(4);
  });

  test('the logical id does not depend on the role or on the order of associate() calls', () => {
    const ids = (order: string[]) => {
      const app = new App();
      const stack = new Stack(app, 'TestStack', { env: ENV });
      const cluster = importedEksCluster(stack);
      const role = new PodIdentityRole(stack, order.join(''));
      const byServiceAccount: Record<string, string> = {};
      for (const serviceAccount of order) {
        byServiceAccount[serviceAccount] = logicalIdOf(role.associate(cluster, { namespace: 'shop', serviceAccount }).resource);
      }
      return byServiceAccount;
    };
    expect(ids(['cart', 'orders', 'audit'])).toEqual(ids(['audit', 'cart', 'orders']));
  });

  test('logical ids are valid CloudFormation logical ids', () => {
    const id = logicalIdWith('eks-v2', (stack, cluster, role) =>
      new PodIdentityAssociation(stack, 'Cart', { cluster, role, namespace: 'shop', serviceAccount: 'cart' }));
    expect(id).toMatch(/^[A-Za-z][A-Za-z0-9]{0,254}$/);
  });
});

describe('PodIdentityAssociation errors, and the near misses it accepts', () => {
  const sessionPolicy = new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });

  describe('bad prop values throw at construct time, naming the value', () => {
    test.each([
      ['service account empty', () => {
        const { stack, cluster } = prodClusterStack();
        new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'carts', serviceAccount: '' });
      }, 'InvalidServiceAccountName', '""'],
    ])('%s', (_name, build, id, value) => {
      expectProblemThrown(build, id, value);
    });
  });

  test.each([[undefined, 'false'], [false, 'false']])('a session policy with disableSessionTags %j', (disableSessionTags, shown) => {
    const { stack, cluster } = prodClusterStack();
    expect(messageOf(() => new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'carts', serviceAccount: 'api', sessionPolicy, disableSessionTags }))).toBe(
      `[cdk-eks-pod-identity:SessionPolicyRequiresDisabledSessionTags] Stack/Role/Association0: the association for carts/api has a session policy but disableSessionTags is ${shown}; EKS rejects a session policy while session tags are on. `
      + 'Fix: set disableSessionTags: true next to sessionPolicy (or drop the session policy)');
  });

  test('a session policy with session tags off is rendered', () => {
    const { stack, cluster } = prodClusterStack();
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'carts', serviceAccount: 'api', sessionPolicy, disableSessionTags: true });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      DisableSessionTags: true,
      Policy: '{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}',
    });
  });

  test('the same service account twice in one stack', () => {
    const { stack, cluster } = prodClusterStack();
    new PodIdentityRole(stack, 'A').associate(cluster, { namespace: 'carts', serviceAccount: 'api' });
    expect(messageOf(() => new PodIdentityRole(stack, 'B').associate(cluster, { namespace: 'carts', serviceAccount: 'api' }))).toBe(
      '[cdk-eks-pod-identity:DuplicateAssociation] Stack/B/Association0: service account carts/api on cluster "prod" is associated twice, at Stack/A/Association0 and at Stack/B/Association0; EKS allows one role per service account. '
      + 'Fix: keep one association (give its role all the permissions the pods need), or run the second workload under another service account');
  });

  test('one role associated with same-named clusters of two stacks gets two associations, not DuplicateAssociation', () => {
    const app = new App();
    const roleStack = new Stack(app, 'RoleStack', { env: ENV });
    const prod = newEksV2Cluster(new Stack(app, 'Prod', { env: ENV }));
    const staging = newEksV2Cluster(new Stack(app, 'Staging', { env: ENV }));
    const role = new PodIdentityRole(roleStack, 'Reader');
    role.associate(prod, { namespace: 'reports', serviceAccount: 'reader' });
    role.associate(staging, { namespace: 'reports', serviceAccount: 'reader' });
    expect(Object.keys(Template.fromStack(roleStack).findResources('AWS::EKS::PodIdentityAssociation'))).toHaveLength(2);
  });

});
