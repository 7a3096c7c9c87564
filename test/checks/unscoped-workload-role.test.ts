// UnscopedWorkloadRole: the whole warning, and the roles it must not report.
import { PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { messagesWithId, setup } from '../helpers/trust-checks';

describe('UnscopedWorkloadRole', () => {
  const WARNING = '[cdk-eks-pod-identity:UnscopedWorkloadRole] the workload\'s own role Stack/Batch/Role trusts every Pod Identity association in the account, not only batch/batch, '
    + 'because disableSessionTags: true leaves EKS nothing to scope the trust by. '
    + 'Fix: keep session tags on (the default; only a session policy or a PackedPolicyTooLarge error needs them off), or restrict who may iam:PassRole the role and acknowledge this warning [ack: cdk-eks-pod-identity:UnscopedWorkloadRole]';

  test('the workload\'s own role with session tags off: the whole warning; with them on: none', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Batch', { cluster, namespace: 'batch', image: 'b:1', associationSettings: { disableSessionTags: true } });
    new PodIdentityBoundWorkload(stack, 'Api', { cluster, namespace: 'api', image: 'a:1' });
    expect(messagesWithId(app, 'UnscopedWorkloadRole')).toEqual([WARNING]);
  });

  test('a role given to the workload is its owner\'s to scope: not reported', () => {
    const { app, stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Shared');
    new PodIdentityBoundWorkload(stack, 'Batch', { cluster, namespace: 'batch', image: 'b:1', role, associationSettings: { disableSessionTags: true } });
    expect(messagesWithId(app, 'UnscopedWorkloadRole')).toEqual([]);
  });
});
