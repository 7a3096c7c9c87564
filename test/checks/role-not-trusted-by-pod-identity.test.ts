// RoleNotTrustedByPodIdentity: the whole message, and the trusts it must accept.
import * as iam from 'aws-cdk-lib/aws-iam';
import { messagesOf, setup, withId } from './helpers';
import { PodIdentityAssociation, PodIdentityBoundWorkload } from '../../lib';
import { importedEksV2Cluster } from '../helpers/clusters';
import { prodClusterStack } from '../helpers/errors';
import { cartsWorkload, errorsOf, expectAnnotation } from '../helpers/stack-messages';

describe('RoleNotTrustedByPodIdentity', () => {
  const trustFix = 'Fix: use a PodIdentityRole, or add this statement to the role\'s trust policy: {"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}';

  function associateRoleTrusting(statements: iam.PolicyStatement[], assumedBy: iam.IPrincipal = new iam.ServicePrincipal('ec2.amazonaws.com')) {
    const { app, stack, cluster } = setup();
    const role = new iam.Role(stack, 'Byo', { assumedBy });
    role.assumeRolePolicy!.addStatements(...statements);
    new PodIdentityAssociation(stack, 'A', { cluster, role, namespace: 'default', serviceAccount: 'app' });
    return withId(messagesOf(app), 'RoleNotTrustedByPodIdentity');
  }

  const pods = new iam.ServicePrincipal('pods.eks.amazonaws.com');

  test('a role trusting another service', () => {
    expect(associateRoleTrusting([])).toEqual([{
      level: 'error',
      path: '/Stack/A',
      text: `[cdk-eks-pod-identity:RoleNotTrustedByPodIdentity] role Stack/Byo does not trust pods.eks.amazonaws.com for both sts:AssumeRole and sts:TagSession, so EKS cannot give its credentials to pods. ${trustFix}`,
    }]);
  });

  test.each([
    ['only sts:AssumeRole', [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [pods] })]],
    ['only sts:TagSession', [new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [pods] })]],
    ['both, but denied', [new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['sts:AssumeRole', 'sts:TagSession'], principals: [pods] })]],
    ['sts:TagSession to another service', [
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [pods] }),
      new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [new iam.ServicePrincipal('ec2.amazonaws.com')] }),
    ]],
    ['a similar action', [new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSessionX'], principals: [pods] })]],
  ])('%s: reported', (_name, statements) => {
    expect(associateRoleTrusting(statements)).toHaveLength(1);
  });

  test.each([
    ['both actions in one statement', [new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], principals: [pods] })]],
    ['the two actions in two statements', [
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [pods] }),
      new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [pods] }),
    ]],
    ['sts:*', [new iam.PolicyStatement({ actions: ['sts:*'], principals: [pods] })]],
    ['*', [new iam.PolicyStatement({ actions: ['*'], principals: [pods] })]],
    ['several services', [new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], principals: [new iam.CompositePrincipal(new iam.ServicePrincipal('ec2.amazonaws.com'), pods)] })]],
  ])('%s: trusted', (_name, statements) => {
    expect(associateRoleTrusting(statements)).toEqual([]);
  });

  test('an imported role is not checked (its trust policy is unknown)', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityAssociation(stack, 'A', { cluster, role: iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111111111111:role/x'), namespace: 'default', serviceAccount: 'app' });
    expect(messagesOf(app)).toEqual([]);
  });

  test('a bring-your-own role that does not trust Pod Identity for sts:TagSession', () => {
    const { app, stack } = cartsWorkload({ role: undefined });
    const byo = new iam.Role(stack, 'Byo', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    new PodIdentityBoundWorkload(stack, 'Orders', { cluster: importedEksV2Cluster(stack, 'C2', 'prod'), namespace: 'orders', image: 'o:1', role: byo });
    app.synth();
    expectAnnotation(errorsOf(stack), 'RoleNotTrustedByPodIdentity', 'Stack/Byo');
    expect(errorsOf(stack)[0]).toContain('"Action":["sts:AssumeRole","sts:TagSession"]');
  });

  test('a trust policy allowing the two actions in separate statements is accepted', () => {
    const { app, stack, cluster } = prodClusterStack();
    const role = new iam.Role(stack, 'Split', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [new iam.ServicePrincipal('pods.eks.amazonaws.com')] }));
    new PodIdentityAssociation(stack, 'A', { cluster, role, namespace: 'default', serviceAccount: 'app' });
    app.synth();
    expect(errorsOf(stack)).toEqual([]);
  });
});
