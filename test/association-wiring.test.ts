// PodIdentityAssociation's wiring that the templates show: logical ids that never change across library versions
// (a change would replace every association), role chaining grants, and the policies an association waits for.
import { App, CfnParameter, Lazy, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityAssociation, PodIdentityBoundWorkload, PodIdentityRole, PodIdentityTargetRole } from '../lib';
import { ENV, importedEksV2Cluster, newEksV2Cluster } from './helpers/clusters';
import { estimatedPolicyLength } from '../lib/private/policy-length';

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
  return { app, stack, cluster };
}

function associationsOf(stack: Stack): Record<string, any> {
  return Template.fromStack(stack).findResources('AWS::EKS::PodIdentityAssociation');
}

describe('logical ids: a hash of (cluster, namespace, service account), stable across versions', () => {
  test('a cluster with a literal name', () => {
    const { stack, cluster } = setup();
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'carts', serviceAccount: 'api' });
    // sha256 of ["prod","carts","api"]: the id every earlier synthesis gave this association.
    expect(Object.keys(associationsOf(stack))).toEqual(['PodIdentityAssociationA7245386B1BFA628']);
  });

  test('a new cluster of the same stack, and of another stack (whose name token is the same in both)', () => {
    const app = new App();
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const cluster = newEksV2Cluster(clusterStack);
    new PodIdentityRole(clusterStack, 'Role').associate(cluster, { namespace: 'carts', serviceAccount: 'api' });
    const other = new Stack(app, 'Other', { env: ENV });
    new PodIdentityRole(other, 'Role').associate(cluster, { namespace: 'carts', serviceAccount: 'api' });
    expect(Object.keys(associationsOf(clusterStack))).toEqual(['PodIdentityAssociation4D194E7C3125AC6C']);
    expect(Object.keys(associationsOf(other))).toEqual(['PodIdentityAssociation1DA60A1DB732766F']);
  });
});

describe('role chaining', () => {
  test('the association role may assume and tag the target role, and the association waits for that grant', () => {
    const { stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Role');
    const targetRole = iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::222222222222:role/reader');
    role.associate(cluster, { namespace: 'default', serviceAccount: 'app', targetRole });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: 'arn:aws:iam::222222222222:role/reader' }] },
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { TargetRoleArn: 'arn:aws:iam::222222222222:role/reader' });
    const [association] = Object.values(associationsOf(stack));
    expect(association.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^RoleDefaultPolicy/)]));
  });

  test('an association role that cannot be granted (immutable, grants on resources): a warning', () => {
    const { app, stack, cluster } = setup();
    const role = iam.Role.fromRoleArn(stack, 'Immutable', 'arn:aws:iam::111111111111:role/pods', { mutable: false, addGrantsToResources: true });
    const targetRole = iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::222222222222:role/reader');
    new PodIdentityAssociation(stack, 'A', { cluster, role, targetRole, namespace: 'default', serviceAccount: 'app' });
    new PodIdentityAssociation(stack, 'B', { cluster, role: new PodIdentityRole(stack, 'Mutable'), targetRole, namespace: 'default', serviceAccount: 'b' });
    const warnings = app.synth().getStackArtifact(stack.artifactId).messages.filter(m => String(m.entry.data).includes('TargetRoleNotGranted'));
    expect(warnings.map(m => [m.level, m.id])).toEqual([['warning', '/Stack/A']]);
    expect(String(warnings[0].entry.data)).toContain('[cdk-eks-pod-identity:TargetRoleNotGranted] role Stack/Immutable is immutable here (imported with mutable: false, or from another account), so it could not be allowed sts:AssumeRole and sts:TagSession on the target role Stack/Target. '
      + 'Fix: add {"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"arn:aws:iam::222222222222:role/reader"} to the role\'s policies where it is defined');
  });
});

describe('the policies an association waits for', () => {
  test('policies attached from outside the role, but not policies of other roles or of users only', () => {
    const { stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Role');
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }));
    const statements = [new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::b'] })];
    const managed = new iam.ManagedPolicy(stack, 'Managed', { roles: [role], statements });
    const inline = new iam.Policy(stack, 'Inline', { roles: [role], statements });
    const otherRole = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new iam.Policy(stack, 'OthersPolicy', { roles: [otherRole], statements });
    new iam.Policy(stack, 'UsersOnly', { users: [new iam.User(stack, 'User')], statements });
    role.associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    const [association] = Object.values(associationsOf(stack));
    const id = (c: any) => stack.resolve(c.node.defaultChild.logicalId);
    expect([...association.DependsOn].sort()).toEqual([id(managed), id(inline), stack.resolve((role.node.findChild('DefaultPolicy') as any).node.defaultChild.logicalId), 'ClusterPodIdentityAgentAddon7813C1F9'].sort());
  });

  test('policies attached to the role from outside it are awaited too', () => {
    const { stack, cluster } = setup();
    const w = new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'c:1' });
    const extra = new iam.ManagedPolicy(stack, 'Extra', { roles: [w.role], statements: [new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::b'] })] });
    const inline = new iam.Policy(stack, 'Inline', { roles: [w.role], statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] })] });
    const [association] = Object.values(Template.fromStack(stack).findResources('AWS::EKS::PodIdentityAssociation'));
    expect(association.DependsOn).toEqual(expect.arrayContaining([
      stack.resolve((extra.node.defaultChild as iam.CfnManagedPolicy).logicalId),
      stack.resolve((inline.node.defaultChild as iam.CfnPolicy).logicalId),
    ]));
  });

  test('L1 policies listing the role by name (its roleName, or the literal name of an imported role) are waited for', () => {
    const { stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Role');
    const imported = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111111111111:role/pods');
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b' }] };
    const forRole = new iam.CfnPolicy(stack, 'ForRole', { policyName: 'r', policyDocument: document, roles: ['other', role.roleName] });
    const forImported = new iam.CfnPolicy(stack, 'ForImported', { policyName: 'i', policyDocument: document, roles: ['pods'] });
    new iam.CfnPolicy(stack, 'ForNoRole', { policyName: 'n', policyDocument: document, users: ['someone'] });
    // Not a policy, though it lists the role by name: nothing to wait for.
    new iam.CfnInstanceProfile(stack, 'Profile', { roles: [role.roleName] });
    role.associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    new PodIdentityAssociation(stack, 'OfImported', { cluster, role: imported, namespace: 'default', serviceAccount: 'imported' });
    const dependsOn = Object.values(associationsOf(stack)).map(resource => [...resource.DependsOn].sort());
    expect(dependsOn).toEqual([
      ['ClusterPodIdentityAgentAddon7813C1F9', stack.resolve(forRole.logicalId)].sort(),
      ['ClusterPodIdentityAgentAddon7813C1F9', stack.resolve(forImported.logicalId)].sort(),
    ]);
  });

  test('a scoped role in the cluster\'s stack may be associated from a third stack', () => {
    const app = new App();
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const cluster = newEksV2Cluster(clusterStack);
    const role = new PodIdentityRole(clusterStack, 'Scoped', { scopeTrustToAssociations: true });
    expect(() => new PodIdentityAssociation(new Stack(app, 'Third', { env: ENV }), 'A', { cluster, role, namespace: 'default', serviceAccount: 'app' })).not.toThrow();
  });
});

describe('role chaining messages', () => {
  test('TargetRoleNotGranted names a target role of this app by path, as its ARN is a token', () => {
    const { app, stack, cluster } = setup();
    const role = iam.Role.fromRoleArn(stack, 'Immutable', 'arn:aws:iam::111111111111:role/pods', { mutable: false });
    const targetRole = new iam.Role(stack, 'Target', { assumedBy: new iam.AccountPrincipal('111111111111').withSessionTags() });
    new PodIdentityAssociation(stack, 'A', { cluster, role, targetRole, namespace: 'default', serviceAccount: 'app' });
    const warnings = app.synth().getStackArtifact(stack.artifactId).messages.map(m => String(m.entry.data)).filter(m => m.includes('TargetRoleNotGranted'));
    expect(warnings).toEqual([expect.stringMatching(
      /Fix: add \{"Effect":"Allow","Action":\["sts:AssumeRole","sts:TagSession"\],"Resource":"<ARN of Stack\/Target>"\} to the role's policies where it is defined \[ack: cdk-eks-pod-identity:TargetRoleNotGranted\]$/)]);
  });
});

describe('target roles in other stacks', () => {
  const OTHER_ACCOUNT_ENV = { account: '222222222222', region: ENV.region };

  function stacks(dataEnv: { account: string; region: string } | undefined = OTHER_ACCOUNT_ENV) {
    const app = new App();
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const dataStack = new Stack(app, 'DataStack', { env: dataEnv });
    return { app, clusterStack, dataStack };
  }
  const unnamedRole = (stack: Stack) => new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags() });
  const unnamedCluster = (stack: Stack) => newEksV2Cluster(stack);
  const chain = (scope: Stack, cluster: any, role: iam.IRole, targetRole: iam.IRole) => () =>
    new PodIdentityAssociation(scope, 'Association', { cluster, role, targetRole, namespace: 'ns', serviceAccount: 'sa' });
  // (raised for the association, named by its path: the association is made in `scope`, with id 'Association')
  const notResolvable = (names: string, account: string, at = 'ClusterStack') => `[cdk-eks-pod-identity:TargetRoleTrustNotResolvable] ${at}/Association: the trust of the PodIdentityTargetRole DataStack/Target in account 222222222222 `
    + `names the ${names} of account ${account}, whose names CloudFormation decides at deploy time, so the other account cannot know them. `
    + 'Fix: give them names (roleName: a literal or PhysicalName.GENERATE_IF_NEEDED, as PodIdentityRole does by default; clusterName on the cluster), or import the cluster by name';

  test('a hand-made target role in another stack of the same account: its trust is not generated, so no cycle and no error', () => {
    const { app, clusterStack, dataStack } = stacks(ENV);
    const targetRole = new iam.Role(dataStack, 'Target', { assumedBy: new iam.AccountPrincipal('111111111111').withSessionTags() });
    new PodIdentityRole(clusterStack, 'Role').associate(importedEksV2Cluster(clusterStack, 'Cluster', 'prod'), { namespace: 'ns', serviceAccount: 'sa', targetRole });
    expect(app.synth().getStackByName('ClusterStack').dependencies.map(d => d.id)).toContain('DataStack');
  });

  test('TargetRoleAcrossStacks names every stack of the same account the trust would refer to', () => {
    const app = new App();
    const roleStack = new Stack(app, 'RoleStack', { env: ENV });
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const target = new PodIdentityTargetRole(new Stack(app, 'DataStack', { env: ENV }), 'Target');
    const cluster = newEksV2Cluster(clusterStack);
    expect(() => new PodIdentityRole(roleStack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: target })).toThrow(
      '[cdk-eks-pod-identity:TargetRoleAcrossStacks] RoleStack/Role/Association0: the trust of the PodIdentityTargetRole DataStack/Target (stack DataStack) would refer to stack RoleStack, ClusterStack '
      + 'of the same (or an unknown) account for the association role RoleStack/Role and cluster ClusterStack/Cluster, while that stack refers to the target role: '
      + 'the two stacks would depend on each other. '
      + 'Fix: define the target role in the stack of the association role, or in a stack of the other account with an explicit env ({ account, region })');
  });

  test('TargetRoleAcrossStacks: a target role in a stack of unknown account counts as the same account', () => {
    const app = new App();
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const dataStack = new Stack(app, 'DataStack');
    const target = new PodIdentityTargetRole(dataStack, 'Target');
    expect(chain(clusterStack, importedEksV2Cluster(clusterStack, 'Cluster', 'prod'), new PodIdentityRole(clusterStack, 'Role'), target))
      .toThrow(/^\[cdk-eks-pod-identity:TargetRoleAcrossStacks\] ClusterStack\/Association: the trust of the PodIdentityTargetRole DataStack\/Target \(stack DataStack\) would refer to stack ClusterStack of the same \(or an unknown\) account/);
  });

  test('TargetRoleTrustNotResolvable names the unnamed role and the unnamed cluster of the other account', () => {
    const { clusterStack, dataStack } = stacks();
    const target = new PodIdentityTargetRole(dataStack, 'Target');
    expect(chain(clusterStack, unnamedCluster(clusterStack), unnamedRole(clusterStack), target))
      .toThrow(notResolvable('role ClusterStack/Role and the cluster ClusterStack/Cluster', '111111111111'));
  });

  test('TargetRoleTrustNotResolvable leaves out what has a literal name: an imported role, an imported cluster', () => {
    const imported = stacks();
    const importedRole = iam.Role.fromRoleArn(imported.clusterStack, 'Imported', 'arn:aws:iam::111111111111:role/pods');
    expect(chain(imported.clusterStack, unnamedCluster(imported.clusterStack), importedRole, new PodIdentityTargetRole(imported.dataStack, 'Target')))
      .toThrow(notResolvable('cluster ClusterStack/Cluster', '111111111111'));

    const importedCluster = stacks();
    expect(chain(importedCluster.clusterStack, importedEksV2Cluster(importedCluster.clusterStack, 'Cluster', 'prod'), unnamedRole(importedCluster.clusterStack),
      new PodIdentityTargetRole(importedCluster.dataStack, 'Target'))).toThrow(notResolvable('role ClusterStack/Role', '111111111111'));
  });

  test('TargetRoleTrustNotResolvable leaves out a role or cluster in the target role\'s own stack', () => {
    const clusterWithTarget = stacks();
    const target = new PodIdentityTargetRole(clusterWithTarget.dataStack, 'Target');
    expect(chain(clusterWithTarget.dataStack, unnamedCluster(clusterWithTarget.dataStack), unnamedRole(clusterWithTarget.clusterStack), target))
      .toThrow(notResolvable('role ClusterStack/Role', '111111111111', 'DataStack'));

    const roleWithTarget = stacks();
    expect(chain(roleWithTarget.dataStack, unnamedCluster(roleWithTarget.clusterStack), unnamedRole(roleWithTarget.dataStack), new PodIdentityTargetRole(roleWithTarget.dataStack, 'Target')))
      .toThrow(notResolvable('cluster ClusterStack/Cluster', '222222222222', 'DataStack'));
  });
});

describe('limits measured at synthesis', () => {
  /** A session policy of exactly `length` characters as STS counts them (one statement, a padded resource). */
  function sessionPolicyOf(stack: Stack, length: number): iam.PolicyDocument {
    const document = (padding: number) => new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::bucket/${'a'.repeat(padding)}`] })],
    });
    const policy = document(length - estimatedPolicyLength(stack.resolve(document(0).toJSON())));
    expect(estimatedPolicyLength(stack.resolve(policy.toJSON()))).toBe(length);
    return policy;
  }

  test('SessionPolicyTooLarge: 2,048 characters pass, 2,049 fail with the measured length and the fix', () => {
    const { app, stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Role');
    role.associate(cluster, { namespace: 'limit', serviceAccount: 'sa', disableSessionTags: true, sessionPolicy: sessionPolicyOf(stack, 2048) });
    expect(() => app.synth()).not.toThrow();

    const over = setup();
    new PodIdentityRole(over.stack, 'Role').associate(over.cluster, { namespace: 'over', serviceAccount: 'sa', disableSessionTags: true, sessionPolicy: sessionPolicyOf(over.stack, 2049) });
    expect(() => over.app.synth()).toThrow('[cdk-eks-pod-identity:SessionPolicyTooLarge] the session policy of the association for over/sa has about 2049 characters; '
      + 'STS accepts at most 2048 characters of session policy plain text (and a packed size that cannot be measured offline). '
      + 'Fix: shorten it (fewer statements, wildcards in resource names, no Sid), or drop it and narrow the role\'s own policies instead');
  });

  test('TooManyTags: 50 tags with the inherited ones pass, 51 fail with the counts and the fix', () => {
    const build = (inherited: number) => {
      const built = setup();
      for (let i = 0; i < inherited; i++) Tags.of(built.stack).add(`org-tag-${i}`, 'x');
      new PodIdentityRole(built.stack, 'Role').associate(built.cluster, { namespace: 'ns', serviceAccount: 'sa', tags: { a: '1', b: '2', c: '3', d: '4', e: '5' } });
      return built;
    };
    expect(() => build(45).app.synth()).not.toThrow();
    expect(() => build(46).app.synth()).toThrow('[cdk-eks-pod-identity:TooManyTags] the association for ns/sa would carry 51 tags (5 of its own, 46 inherited from Tags.of() on its scopes, e.g. the stack); '
      + 'EKS allows at most 50. Fix: drop tags, or exclude this resource type from the inherited ones: '
      + 'Tags.of(stack).add(key, value, { excludeResourceTypes: [\'AWS::EKS::PodIdentityAssociation\'] })');
  });

  test('InvalidTag: every rendered tag is checked: an inherited one overriding an own key, an own value that was a token', () => {
    const { app, stack, cluster } = setup();
    Tags.of(stack).add('team', 'R&D');
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', tags: { team: 'data' } });
    // Tags.of() wins over the association's own value, so "R&D" is what EKS would get.
    expect(() => app.synth()).toThrow('[cdk-eks-pod-identity:InvalidTag] tag value "R&D" of tag "team" has characters AWS tags do not allow ("&"); allowed are letters, digits, spaces and + - = . _ : / @. '
      + 'Fix: replace them, e.g. "R-D" (a tag of Stack/Role/Association0 as rendered, Tags.of() on its scopes included)');
    const lazy = setup();
    new PodIdentityRole(lazy.stack, 'Role').associate(lazy.cluster, { namespace: 'ns', serviceAccount: 'sa', tags: { team: Lazy.string({ produce: () => 'R&D' }) } });
    expect(() => lazy.app.synth()).toThrow(/\[cdk-eks-pod-identity:InvalidTag\] tag value "R&D" of tag "team" .* \(a tag of Stack\/Role\/Association0 as rendered/);
    const own = setup();
    Tags.of(own.stack).add('team', 'data');
    new PodIdentityRole(own.stack, 'Role').associate(own.cluster, { namespace: 'ns', serviceAccount: 'sa', tags: { team: 'data' } });
    expect(() => own.app.synth()).not.toThrow();
  });

  test('a tag whose value is still an intrinsic at synth (a parameter) is left to deploy time, the others are checked', () => {
    const { app, stack, cluster } = setup();
    const team = new CfnParameter(stack, 'Team').valueAsString;
    Tags.of(stack).add('cost', 'R&D');
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', tags: { team } });
    expect(() => app.synth()).toThrow('[cdk-eks-pod-identity:InvalidTag] tag value "R&D" of tag "cost" has characters AWS tags do not allow ("&")');
    const parameterOnly = setup();
    const key = new CfnParameter(parameterOnly.stack, 'TagKey').valueAsString;
    new PodIdentityRole(parameterOnly.stack, 'Role').associate(parameterOnly.cluster, {
      namespace: 'ns', serviceAccount: 'sa', tags: { team: new CfnParameter(parameterOnly.stack, 'Team').valueAsString, [key]: 'x' },
    });
    expect(() => parameterOnly.app.synth()).not.toThrow();
    Template.fromStack(parameterOnly.stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Tags: [{ Key: { Ref: 'TagKey' }, Value: 'x' }, { Key: 'team', Value: { Ref: 'Team' } }],
    });
  });
});
