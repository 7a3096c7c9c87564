// DuplicateDeployment: the whole message.
import { messagesOf, setup, withId } from './helpers';
import { PodIdentityBoundWorkload } from '../../lib';

describe('DuplicateDeployment', () => {
  test('two workloads with one Deployment name in one namespace: one error on the second, naming both and the fix', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'shop', serviceAccountName: 'carts', deploymentName: 'web', image: 'c:1' });
    new PodIdentityBoundWorkload(stack, 'Orders', { cluster, namespace: 'shop', serviceAccountName: 'orders', deploymentName: 'web', image: 'o:1', createNamespace: false });
    expect(withId(messagesOf(app), 'DuplicateDeployment')).toEqual([{
      level: 'error',
      path: '/Stack/Orders',
      text: '[cdk-eks-pod-identity:DuplicateDeployment] Deployment "web" in namespace "shop" on cluster "prod" is defined by Stack/Carts and again by Stack/Orders; at deploy the second fails (AlreadyExists) or replaces the first, whose pods then run as the other workload\'s service account. '
        + 'Fix: give each workload its own deploymentName',
    }]);
  });
});
