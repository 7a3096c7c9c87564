import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IPodIdentityRole, PodIdentityAgentAddon, PodIdentityAssociation, PodIdentityBoundWorkload, PodIdentityRole, WellKnownPolicy } from '../lib';
import {
  ACCOUNT,
  CLUSTER_KINDS,
  ClusterKind,
  clusterNameIn,
  importedEksCluster,
  importedEksV2Cluster,
  makeCluster,
  newEksV2Cluster,
  newStack,
  stackWithCluster,
} from './helpers/clusters';
import { expectProblemThrown, prodClusterStack } from './helpers/errors';
import { logicalIdOf } from './helpers/logical-id';
import { cartsWorkload } from './helpers/stack-messages';

const ROLE = 'AWS::IAM::Role';
const ASSOCIATION = 'AWS::EKS::PodIdentityAssociation';

const POD_IDENTITY_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
  }],
};

function roleResource(stack: Stack, role: iam.IRole): Record<string, any> {
  const logicalId = stack.resolve((role.node.defaultChild as iam.CfnRole).logicalId);
  return Template.fromStack(stack).toJSON().Resources[logicalId];
}


describe('PodIdentityRole trust policy', () => {
  test('is exactly one statement: pods.eks.amazonaws.com may sts:AssumeRole and sts:TagSession', () => {
    const { stack } = newStack();
    const role = new PodIdentityRole(stack, 'Role');
    expect(roleResource(stack, role).Properties.AssumeRolePolicyDocument).toEqual(POD_IDENTITY_TRUST_POLICY);
    expect(PodIdentityRole.SERVICE_PRINCIPAL).toBe('pods.eks.amazonaws.com');
  });

  test('has no condition (EKS Pod Identity uses no external id or source conditions on the trust)', () => {
    const { stack } = newStack();
    const role = new PodIdentityRole(stack, 'Role');
    const [statement] = roleResource(stack, role).Properties.AssumeRolePolicyDocument.Statement;
    expect(statement).not.toHaveProperty('Condition');
    expect(statement).not.toHaveProperty('NotPrincipal');
  });

  test('stays one statement after grants, associations and other props', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const role = new PodIdentityRole(stack, 'Role', {
      roleName: 'cart-pods',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess')],
    });
    new s3.Bucket(stack, 'Bucket').grantRead(role);
    role.associate(cluster, { namespace: 'shop', serviceAccount: 'cart' });
    expect(roleResource(stack, role).Properties.AssumeRolePolicyDocument).toEqual(POD_IDENTITY_TRUST_POLICY);
  });

  test('a role with no props has no permissions, name, path or session length of its own', () => {
    const { stack } = newStack();
    const role = new PodIdentityRole(stack, 'Role');
    const properties = roleResource(stack, role).Properties;
    expect(Object.keys(properties)).toEqual(['AssumeRolePolicyDocument']);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });
});

describe('PodIdentityRole props', () => {
  test('roleName, description, path and maxSessionDuration map to the template', () => {
    const { stack } = newStack();
    const role = new PodIdentityRole(stack, 'Role', {
      roleName: 'cart-pods',
      description: 'Role of the cart pods',
      path: '/pod-identity/',
      maxSessionDuration: Duration.hours(4),
    });
    expect(roleResource(stack, role).Properties).toEqual({
      AssumeRolePolicyDocument: POD_IDENTITY_TRUST_POLICY,
      RoleName: 'cart-pods',
      Description: 'Role of the cart pods',
      Path: '/pod-identity/',
      MaxSessionDuration: 14400,
    });
    expect(stack.resolve(role.roleName)).toEqual({ Ref: logicalIdOf(role) });
  });

  test('managedPolicies are attached by ARN', () => {
    const { stack } = newStack();
    const custom = new iam.ManagedPolicy(stack, 'Custom', {
      statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })],
    });
    const role = new PodIdentityRole(stack, 'Role', {
      managedPolicies: [
        iam.ManagedPolicy.fromManagedPolicyArn(stack, 'ReadOnly', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'),
        custom,
      ],
    });
    expect(roleResource(stack, role).Properties.ManagedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      { Ref: stack.resolve((custom.node.defaultChild as iam.CfnManagedPolicy).logicalId) },
    ]);
  });

  test('inlinePolicies map to Policies with their names and documents', () => {
    const { stack } = newStack();
    const role = new PodIdentityRole(stack, 'Role', {
      inlinePolicies: {
        ReadConfig: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/cart/*`] })],
        }),
        SendEvents: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: ['*'] })],
        }),
      },
    });
    expect(roleResource(stack, role).Properties.Policies).toEqual([
      {
        PolicyName: 'ReadConfig',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/cart/*` }],
        },
      },
      {
        PolicyName: 'SendEvents',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: '*' }],
        },
      },
    ]);
  });

  test('permissionsBoundary maps to PermissionsBoundary', () => {
    const { stack } = newStack();
    const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/pod-boundary`;
    const role = new PodIdentityRole(stack, 'Role', {
      permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Boundary', boundaryArn),
    });
    expect(roleResource(stack, role).Properties.PermissionsBoundary).toBe(boundaryArn);
  });

  test('maxSessionDuration outside IAM\'s 1-12 hours is rejected', () => {
    const { stack } = newStack();
    expect(() => new PodIdentityRole(stack, 'Long', { maxSessionDuration: Duration.hours(13) })).toThrow();
  });

  describe('bad prop values throw at construct time, naming the value', () => {
    test.each([
      ['role name > 64 chars', () => cartsWorkload({ role: new PodIdentityRole(new Stack(), 'R', { roleName: 'r'.repeat(65) }) }), 'InvalidRoleName', 'r'.repeat(65)],
      ['role name with a space', () => new PodIdentityRole(new Stack(), 'R', { roleName: 'carts role' }), 'InvalidRoleName', '"carts role"'],
    ])('%s', (_name, build, id, value) => {
      expectProblemThrown(build, id, value);
    });
  });
});

describe('PodIdentityRole is an IRole and an IGrantable', () => {
  test('table.grantReadWriteData(role) lands in the role\'s default policy', () => {
    const { stack } = newStack();
    const role = new PodIdentityRole(stack, 'Role');
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    table.grantReadWriteData(role);

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdOf(role) }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow',
          Action: Match.arrayWith(['dynamodb:GetItem', 'dynamodb:PutItem']),
          Resource: Match.arrayWith([{ 'Fn::GetAtt': [stack.resolve((table.node.defaultChild as dynamodb.CfnTable).logicalId), 'Arn'] }]),
        })]),
      },
    });
  });

  test('Grant.addToPrincipal and addToPrincipalPolicy work like any iam.Role', () => {
    const { stack } = newStack();
    const role: iam.IRole = new PodIdentityRole(stack, 'Role');
    const grant = iam.Grant.addToPrincipal({ grantee: role, actions: ['sqs:SendMessage'], resourceArns: [`arn:aws:sqs:us-east-1:${ACCOUNT}:orders`] });
    expect(grant.success).toBe(true);
    const result = role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    expect(result.statementAdded).toBe(true);
    expect(role.grantPrincipal).toBe(role);

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdOf(role) }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders` },
          { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' },
        ],
      },
    });
  });

  test('a bucket policy can name the role as principal', () => {
    const { stack } = newStack();
    const role = new PodIdentityRole(stack, 'Role');
    const bucket = new s3.Bucket(stack, 'Bucket');
    bucket.addToResourcePolicy(new iam.PolicyStatement({ principals: [role], actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }));
    Template.fromStack(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { AWS: { 'Fn::GetAtt': [logicalIdOf(role), 'Arn'] } },
          Action: 's3:GetObject',
        })]),
      },
    });
  });
});

describe('PodIdentityRole.associate()', () => {
  test('two namespaces on two clusters make four associations with the same RoleArn, one add-on per cluster', () => {
    const { stack } = newStack();
    const clusterA = importedEksV2Cluster(stack, 'ClusterA', 'cluster-a');
    const clusterB = importedEksCluster(stack, 'ClusterB', 'cluster-b');
    const role = new PodIdentityRole(stack, 'Role');
    const associations = [
      role.associate(clusterA, { namespace: 'shop', serviceAccount: 'cart' }),
      role.associate(clusterA, { namespace: 'checkout', serviceAccount: 'cart' }),
      role.associate(clusterB, { namespace: 'shop', serviceAccount: 'cart' }),
      role.associate(clusterB, { namespace: 'checkout', serviceAccount: 'cart' }),
    ];
    expect(associations.every(association => association instanceof PodIdentityAssociation)).toBe(true);
    expect(associations.map(association => association.role)).toEqual([role, role, role, role]);

    const template = Template.fromStack(stack);
    template.resourceCountIs(ASSOCIATION, 4);
    template.resourceCountIs('AWS::EKS::Addon', 2);
    const rendered = Object.values(template.findResources(ASSOCIATION)).map(resource => resource.Properties);
    for (const properties of rendered) {
      expect(properties.RoleArn).toEqual({ 'Fn::GetAtt': [logicalIdOf(role), 'Arn'] });
      expect(properties.ServiceAccount).toBe('cart');
    }
    expect(rendered.map(properties => `${properties.ClusterName}/${properties.Namespace}`).sort()).toEqual([
      'cluster-a/checkout', 'cluster-a/shop', 'cluster-b/checkout', 'cluster-b/shop',
    ]);
  });

  test.each(CLUSTER_KINDS)('works on a %s cluster and targets it', (kind: ClusterKind) => {
    const { stack, cluster } = stackWithCluster(kind);
    const role = new PodIdentityRole(stack, 'Role');
    const association = role.associate(cluster, { namespace: 'shop', serviceAccount: 'cart' });
    expect(association.cluster).toBe(cluster);
    expect(association.namespace).toBe('shop');
    expect(association.serviceAccount).toBe('cart');
    Template.fromStack(stack).hasResourceProperties(ASSOCIATION, {
      ClusterName: clusterNameIn(stack, cluster),
      Namespace: 'shop',
      ServiceAccount: 'cart',
      RoleArn: { 'Fn::GetAtt': [logicalIdOf(role), 'Arn'] },
    });
  });

  test('passes the association settings through', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const role = new PodIdentityRole(stack, 'Role');
    const target = iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::222222222222:role/cross-account');
    role.associate(cluster, { namespace: 'shop', serviceAccount: 'cart', targetRole: target, tags: { team: 'cart' } });
    Template.fromStack(stack).hasResourceProperties(ASSOCIATION, {
      TargetRoleArn: 'arn:aws:iam::222222222222:role/cross-account',
      Tags: [{ Key: 'team', Value: 'cart' }],
    });
  });

  test('associations lists every association in call order and is a copy', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const role = new PodIdentityRole(stack, 'Role');
    expect(role.associations).toEqual([]);
    const first = role.associate(cluster, { namespace: 'a', serviceAccount: 'one' });
    const second = role.associate(cluster, { namespace: 'b', serviceAccount: 'two' });
    expect(role.associations).toEqual([first, second]);

    const copy = role.associations;
    copy.pop();
    expect(role.associations).toHaveLength(2);
  });

  test('a role lists every association of it, made with associate() or directly', () => {
    const { stack, cluster } = prodClusterStack();
    const role = new PodIdentityRole(stack, 'Role');
    const viaAssociate = role.associate(cluster, { namespace: 'carts', serviceAccount: 'carts' });
    const direct = new PodIdentityAssociation(stack, 'Direct', { cluster, role, namespace: 'orders', serviceAccount: 'worker' });
    expect(role.associations).toEqual([viaAssociate, direct]);
  });

  test('the associations depend on the agent add-on and on the role policies, without a cycle', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const role = new PodIdentityRole(stack, 'Role');
    role.associate(cluster, { namespace: 'a', serviceAccount: 'one' });
    role.associate(cluster, { namespace: 'b', serviceAccount: 'two' });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));

    // Template.fromStack rejects templates with dependency cycles.
    const template = Template.fromStack(stack);
    const resources = template.toJSON().Resources;
    const roleId = logicalIdOf(role);
    const policyId = stack.resolve((role.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy).logicalId);
    const addonId = stack.resolve((PodIdentityAgentAddon.of(cluster) as PodIdentityAgentAddon).resource!.logicalId);
    const associationIds = Object.keys(template.findResources(ASSOCIATION));
    expect(associationIds).toHaveLength(2);
    for (const id of associationIds) {
      expect(resources[id].DependsOn).toEqual(expect.arrayContaining([policyId, addonId]));
      expect(resources[id].DependsOn).not.toContain(roleId);
      for (const other of associationIds) {
        expect(resources[id].DependsOn).not.toContain(other);
      }
    }
  });

  test('the association ids under the role are unique, so many associate() calls never collide', () => {
    const { stack } = newStack();
    const role = new PodIdentityRole(stack, 'Role');
    const clusters = CLUSTER_KINDS.map(kind => makeCluster(kind, stack, `Cluster${CLUSTER_KINDS.indexOf(kind)}`));
    for (const cluster of clusters) {
      for (const namespace of ['a', 'b', 'c']) role.associate(cluster, { namespace, serviceAccount: 'sa' });
    }
    const ids = role.associations.map(association => association.node.id);
    expect(new Set(ids).size).toBe(12);
    Template.fromStack(stack).resourceCountIs(ASSOCIATION, 12);
  });
});

describe('PodIdentityRole.fromPodIdentityRoleArn()', () => {
  const ARN = `arn:aws:iam::${ACCOUNT}:role/existing-pod-role`;

  test('the imported role can associate() and the association uses its ARN', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const role: IPodIdentityRole = PodIdentityRole.fromPodIdentityRoleArn(stack, 'Imported', ARN);
    expect(role.roleArn).toBe(ARN);
    expect(role.roleName).toBe('existing-pod-role');
    const association = role.associate(cluster, { namespace: 'shop', serviceAccount: 'cart' });
    expect(association.role).toBe(role);

    const template = Template.fromStack(stack);
    template.resourceCountIs(ROLE, 0);
    template.hasResourceProperties(ASSOCIATION, {
      ClusterName: cluster.clusterName,
      Namespace: 'shop',
      ServiceAccount: 'cart',
      RoleArn: ARN,
    });
  });

  test('the imported role can associate() many times', () => {
    const { stack } = newStack();
    const role = PodIdentityRole.fromPodIdentityRoleArn(stack, 'Imported', ARN);
    role.associate(importedEksV2Cluster(stack, 'ClusterA', 'cluster-a'), { namespace: 'shop', serviceAccount: 'cart' });
    role.associate(importedEksCluster(stack, 'ClusterB', 'cluster-b'), { namespace: 'shop', serviceAccount: 'cart' });
    role.associate(importedEksCluster(stack, 'ClusterC', 'cluster-c'), { namespace: 'shop', serviceAccount: 'cart' });

    const template = Template.fromStack(stack);
    template.resourceCountIs(ASSOCIATION, 3);
    for (const association of Object.values(template.findResources(ASSOCIATION))) {
      expect(association.Properties.RoleArn).toBe(ARN);
    }
  });

  test('the imported role is grantable: grants become a policy attached by role name', () => {
    const { stack, cluster } = stackWithCluster('imported-eks');
    const role = PodIdentityRole.fromPodIdentityRoleArn(stack, 'Imported', ARN);
    role.associate(cluster, { namespace: 'shop', serviceAccount: 'cart' });
    new s3.Bucket(stack, 'Bucket').grantRead(role);

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: ['existing-pod-role'] });
    const [association] = Object.values(template.findResources(ASSOCIATION));
    const [policyId] = Object.keys(template.findResources('AWS::IAM::Policy'));
    expect(association.DependsOn).toContain(policyId);
  });

  test('an immutable import gets no policy but can still associate()', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const role = PodIdentityRole.fromPodIdentityRoleArn(stack, 'Imported', ARN, { mutable: false });
    new s3.Bucket(stack, 'Bucket').grantRead(role);
    role.associate(cluster, { namespace: 'shop', serviceAccount: 'cart' });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs(ASSOCIATION, 1);
  });
});

describe('PodIdentityRole scopeTrustToAssociations', () => {
  const trustOf = (stack: Stack, roleId: string) =>
    Template.fromStack(stack).toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument.Statement;

  test('trusts only the (cluster ARN, namespace, service account) of each association, one statement each', () => {
    const { stack } = newStack();
    const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
    const role = new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: true });
    role.associate(cluster, { namespace: 'carts', serviceAccount: 'carts' });
    new PodIdentityAssociation(stack, 'Direct', { cluster, role, namespace: 'orders', serviceAccount: 'worker' });
    expect(role.scopeTrustToAssociations).toBe(true);
    const clusterArn = stack.resolve(cluster.clusterArn);
    expect(trustOf(stack, stack.resolve((role.node.defaultChild as any).logicalId))).toEqual([['carts', 'carts'], ['orders', 'worker']].map(([namespace, serviceAccount]) => ({
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': clusterArn,
          'aws:RequestTag/kubernetes-namespace': namespace,
          'aws:RequestTag/kubernetes-service-account': serviceAccount,
        },
      },
    })));
    expect(JSON.stringify(clusterArn)).toContain(':eks:us-east-1:111111111111:cluster/prod');
  });

  test('a scoped role without any association fails synthesis with ScopedRoleWithoutAssociations', () => {
    const { app, stack } = newStack();
    new PodIdentityRole(stack, 'Lonely', { scopeTrustToAssociations: true });
    expect(() => app.synth()).toThrow(/\[cdk-eks-pod-identity:ScopedRoleWithoutAssociations\] role TestStack\/Lonely/);
  });

  test('a workload\'s own role is scoped to its service account; with session tags off it cannot be', () => {
    const { stack } = newStack();
    const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
    const scoped = new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1' });
    const untagged = new PodIdentityBoundWorkload(stack, 'Batch', {
      cluster, namespace: 'batch', image: 'batch:1', associationSettings: { disableSessionTags: true },
    });
    const [scopedStatement] = trustOf(stack, stack.resolve((scoped.role.node.defaultChild as any).logicalId));
    expect(scopedStatement.Condition.StringEquals['aws:RequestTag/kubernetes-service-account']).toEqual('carts');
    const [untaggedStatement] = trustOf(stack, stack.resolve((untagged.role.node.defaultChild as any).logicalId));
    expect(untaggedStatement.Condition).toBeUndefined();
  });

  test('a scoped role associated with session tags off is reported: it could never be assumed', () => {
    const { app, stack } = newStack();
    const role = new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: true });
    role.associate(importedEksV2Cluster(stack, 'Cluster', 'prod'), { namespace: 'carts', serviceAccount: 'carts', disableSessionTags: true });
    const errors = app.synth().getStackArtifact(stack.artifactId).messages.filter(m => m.level === 'error').map(m => String(m.entry.data));
    expect(errors).toEqual([expect.stringContaining('[cdk-eks-pod-identity:SessionTagConditionsWithoutSessionTags]')]);
  });
});

describe('PodIdentityRole trust, more cases', () => {
  const statementsOf = (stack: Stack, role: iam.IRole) => roleResource(stack, role).Properties.AssumeRolePolicyDocument.Statement;

  test('a scoped role used as another association\'s target role gets no pods.eks statement from that association', () => {
    const { app, stack } = newStack();
    const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
    const scoped = new PodIdentityRole(stack, 'Scoped', { scopeTrustToAssociations: true });
    scoped.associate(cluster, { namespace: 'own', serviceAccount: 'own' });
    new PodIdentityRole(stack, 'Chaining').associate(cluster, { namespace: 'chain', serviceAccount: 'chain', targetRole: scoped });
    app.synth();
    const statements = statementsOf(stack, scoped);
    expect(statements.map((s: any) => s.Condition.StringEquals['aws:RequestTag/kubernetes-namespace'])).toEqual(['own']);
  });

  test('ConflictingTrustCondition: trustConditions that set aws:SourceOrgId while scopeTrustToOrganization sets it, naming the role', () => {
    const { stack } = newStack();
    expect(() => new PodIdentityRole(stack, 'Role', {
      scopeTrustToOrganization: true,
      trustConditions: { StringEquals: { 'aws:SourceOrgId': 'o-aaaa1111' } },
    })).toThrow('[cdk-eks-pod-identity:ConflictingTrustCondition] TestStack/Role: the trust conditions of TestStack/Role set StringEquals "aws:SourceOrgId" twice '
      + '("o-aaaa1111" and "${aws:ResourceOrgId}"); the library already sets the session-tag, external-id and principal keys it scopes by. '
      + 'Fix: drop "aws:SourceOrgId" from trustConditions, or use another operator for it');
  });

  test('ConflictingTrustCondition: condition keys are case-insensitive in IAM, so another case is the same key', () => {
    const { stack } = newStack();
    expect(() => new PodIdentityRole(stack, 'Role', {
      scopeTrustToOrganization: true,
      trustConditions: { StringEquals: { 'AWS:SOURCEORGID': 'o-aaaa1111' } },
    })).toThrow('[cdk-eks-pod-identity:ConflictingTrustCondition] TestStack/Role: the trust conditions of TestStack/Role set StringEquals "aws:SourceOrgId" twice '
      + '("o-aaaa1111" and "${aws:ResourceOrgId}"; "AWS:SOURCEORGID" is the same key: IAM condition keys are case-insensitive)');
  });

  test.each([
    ['a string', 'x', 'the trustConditions of TestStack/Role are "x", not an object of condition operators'],
    ['an operator given a string', { StringEquals: 'x' }, 'the trustConditions of TestStack/Role give "StringEquals" the value "x", not an object of condition keys'],
    ['a miscased operator', { stringequals: { 'aws:SourceOrgId': 'o-1' } }, 'use "StringEquals", or use one of StringEquals'],
    ['a misspelt prefixed operator', { 'ForAnyValue:StringEqual': { 'aws:TagKeys': ['a'] } }, 'use "ForAnyValue:StringEquals", or use one of'],
    ['Null with IfExists', { NullIfExists: { 'aws:SourceOrgId': 'true' } }, 'use "Null", or use one of'],
  ])('InvalidTrustCondition: %s, with the value and the fix', (_name, conditions, text) => {
    const { stack } = newStack();
    expect(() => new PodIdentityRole(stack, 'Role', { trustConditions: conditions as any })).toThrow(text);
  });

  test('TooManyManagedPolicies: the count and the quota; one AWS managed policy listed by two objects counts once', () => {
    const build = (names: string[], quota?: number) => {
      const { app, stack } = newStack();
      new PodIdentityRole(stack, 'Role', { managedPolicies: names.map(name => iam.ManagedPolicy.fromAwsManagedPolicyName(name)), managedPoliciesPerRoleQuota: quota });
      return app.synth().stacks.flatMap(a => a.messages.map(m => String(m.entry.data))).filter(m => m.includes('TooManyManagedPolicies'));
    };
    const ten = Array.from({ length: 10 }, (_, i) => `P${i}`);
    expect(build([...ten, 'P0'])).toEqual([]);
    expect(build([...ten, 'P10'])).toEqual([
      '[cdk-eks-pod-identity:TooManyManagedPolicies] role TestStack/Role has 11 managed policies and the account\'s "Managed policies per role" quota is 10 (IAM default 10, at most 20 on request); IAM would reject the attachment at deploy. '
      + 'Fix: merge policies (or move statements into inline policies or grants), or raise the quota in Service Quotas (up to 20) and set managedPoliciesPerRoleQuota on a PodIdentityRole',
    ]);
    expect(build([...ten, 'P10'], 11)).toEqual([]);
    expect(PodIdentityRole.DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA).toBe(10);
    expect(PodIdentityRole.MAX_MANAGED_POLICIES_PER_ROLE_QUOTA).toBe(20);
  });

  test('addWellKnownPolicy() gives the role the software\'s permissions', () => {
    const { stack } = newStack();
    const role = new PodIdentityRole(stack, 'Cni');
    role.addWellKnownPolicy(WellKnownPolicy.vpcCni());
    expect(JSON.stringify(roleResource(stack, role).Properties.ManagedPolicyArns)).toContain(':iam::aws:policy/AmazonEKS_CNI_Policy');
  });

  test('each IRSA service account of a new cluster gets its own CfnJson, numbered in call order', () => {
    const { stack } = newStack();
    const cluster = newEksV2Cluster(stack);
    const role = new PodIdentityRole(stack, 'Role');
    role.addIrsaServiceAccount({ openIdConnectProvider: cluster.openIdConnectProvider, namespace: 'carts', serviceAccount: 'carts' });
    role.addIrsaServiceAccount({ openIdConnectProvider: cluster.openIdConnectProvider, namespace: 'orders', serviceAccount: 'orders' });
    expect(role.node.children.map(child => child.node.id).filter(id => id.startsWith('Irsa'))).toEqual(['IrsaTrustConditions0', 'IrsaTrustConditions1']);
    const subs = statementsOf(stack, role).slice(1).map((s: any) => JSON.stringify(s.Condition));
    expect(subs).toHaveLength(2);
  });
});
