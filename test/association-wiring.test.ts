// PodIdentityAssociation's wiring that the templates show: logical ids that never change across library versions
// (a change would replace every association), role chaining grants, and the policies an association waits for.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityAssociation, PodIdentityRole } from '../lib';
import { ENV, importedEksV2Cluster, newEksV2Cluster } from './helpers/clusters';

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

  test('a scoped role in the cluster\'s stack may be associated from a third stack', () => {
    const app = new App();
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const cluster = newEksV2Cluster(clusterStack);
    const role = new PodIdentityRole(clusterStack, 'Scoped', { scopeTrustToAssociations: true });
    expect(() => new PodIdentityAssociation(new Stack(app, 'Third', { env: ENV }), 'A', { cluster, role, namespace: 'default', serviceAccount: 'app' })).not.toThrow();
  });
});
