// What no one construct or check owns, so no file of its own mirrors it: values that are tokens pass every
// construct's checks, updates that keep or replace association resources, EKS's real limit of 5,000 associations
// counted across an app's stacks, and one notion of cluster identity shared by the checks and the agent add-on.
import { App, CfnParameter, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PodIdentityAgentAddon, PodIdentityBoundWorkload, PodIdentityRole } from '../lib';
import { ENV, importedEksV2Cluster } from './helpers/clusters';
import { prodClusterStack } from './helpers/errors';
import { cartsWorkload, errorsOf } from './helpers/stack-messages';

describe('values that are tokens are never rejected', () => {
  test('namespace, service account, replicas, port, image, role name, add-on version and tags as tokens', () => {
    const { app, stack, cluster } = prodClusterStack();
    const namespace = new CfnParameter(stack, 'Namespace').valueAsString;
    new PodIdentityAgentAddon(stack, 'Agent', { cluster, addonVersion: new CfnParameter(stack, 'AddonVersion').valueAsString });
    new PodIdentityBoundWorkload(stack, 'W', {
      cluster,
      namespace,
      serviceAccountName: new CfnParameter(stack, 'ServiceAccount').valueAsString,
      image: new CfnParameter(stack, 'Image').valueAsString,
      replicas: Token.asNumber(Lazy.number({ produce: () => 3 })),
      port: new CfnParameter(stack, 'Port', { type: 'Number' }).valueAsNumber,
      role: new PodIdentityRole(stack, 'Role', { roleName: new CfnParameter(stack, 'RoleName').valueAsString }),
      associationSettings: { tags: { team: new CfnParameter(stack, 'Team').valueAsString } },
    });
    app.synth();
    expect(errorsOf(stack)).toEqual([]);
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: { Ref: 'Namespace' } });
  });
});

// test/checks/too-many-associations.test.ts tests the check at its edge with the limit lowered to 2 (a module mock
// for that whole file); this is the one test at the real limit, too slow for the checks' mutation group.
describe('EKS\'s limit of associations per cluster, counted across the app\'s stacks', () => {
  test('more than 5,000 associations on one cluster across the app', () => {
    const app = new App();
    const stacks: Stack[] = [];
    for (let s = 0; s < 11; s++) {
      const stack = new Stack(app, `Team${s}`, { env: ENV });
      stacks.push(stack);
      const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
      const role = PodIdentityRole.fromPodIdentityRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/shared');
      for (let i = 0; i < 455; i++) role.associate(cluster, { namespace: 'default', serviceAccount: `sa-${s}-${i}` });
    }
    app.synth();
    const errors = stacks.flatMap(errorsOf);
    expect(errors.filter(e => e.includes('[cdk-eks-pod-identity:TooManyAssociations]'))).toHaveLength(1);
    expect(errors.find(e => e.includes('TooManyAssociations'))).toContain('5005 Pod Identity associations');
  });
});

describe('updates deploy without a name clash', () => {
  function associationLogicalIds(build: (stack: Stack) => void): string[] {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    build(stack);
    return Object.keys(Template.fromStack(stack).findResources('AWS::EKS::PodIdentityAssociation'));
  }

  test('renaming the workload construct keeps the association resource (no create-before-delete clash)', () => {
    const before = associationLogicalIds(s => new PodIdentityBoundWorkload(s, 'Carts', { cluster: importedEksV2Cluster(s), namespace: 'carts', image: 'c:1' }));
    const after = associationLogicalIds(s => new PodIdentityBoundWorkload(s, 'CartsRenamed', { cluster: importedEksV2Cluster(s), namespace: 'carts', serviceAccountName: 'carts', image: 'c:1' }));
    expect(after).toEqual(before);
  });

  test('changing the namespace or service account creates a new association under a new key', () => {
    const base = associationLogicalIds(s => new PodIdentityBoundWorkload(s, 'Carts', { cluster: importedEksV2Cluster(s), namespace: 'carts', image: 'c:1' }));
    const otherNamespace = associationLogicalIds(s => new PodIdentityBoundWorkload(s, 'Carts', { cluster: importedEksV2Cluster(s), namespace: 'carts2', image: 'c:1' }));
    const otherServiceAccount = associationLogicalIds(s => new PodIdentityBoundWorkload(s, 'Carts', { cluster: importedEksV2Cluster(s), namespace: 'carts', serviceAccountName: 'carts2', image: 'c:1' }));
    // A new logical id for a new (cluster, namespace, service account): CloudFormation creates the new
    // association (a key EKS does not have yet) before deleting the old one, so the two never clash.
    expect(new Set([...base, ...otherNamespace, ...otherServiceAccount]).size).toBe(3);
  });

  test('the agent add-on is kept when the stack is deleted (preserveOnDelete)', () => {
    const { app, stack } = cartsWorkload();
    app.synth();
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent', PreserveOnDelete: true });
  });
});

describe('one notion of cluster identity across the checks', () => {
  test('same-named clusters in two accounts are different clusters: no DuplicateAssociation, one add-on each', () => {
    const app = new App();
    const a = new Stack(app, 'AccountA', { env: ENV });
    const b = new Stack(app, 'AccountB', { env: { account: '222222222222', region: 'us-east-1' } });
    new PodIdentityBoundWorkload(a, 'Carts', { cluster: importedEksV2Cluster(a, 'Cluster', 'prod'), namespace: 'carts', image: 'c:1' });
    new PodIdentityBoundWorkload(b, 'Carts', { cluster: importedEksV2Cluster(b, 'Cluster', 'prod'), namespace: 'carts', image: 'c:1' });
    app.synth();
    expect([...errorsOf(a), ...errorsOf(b)]).toEqual([]);
    Template.fromStack(a).resourceCountIs('AWS::EKS::Addon', 1);
    Template.fromStack(b).resourceCountIs('AWS::EKS::Addon', 1);
  });
});
