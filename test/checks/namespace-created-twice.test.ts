// NamespaceCreatedTwice: the whole message, and the near misses it must not report.
import { CfnParameter } from 'aws-cdk-lib';
import { messagesOf, setup, withId } from './helpers';
import { PodIdentityBoundWorkload } from '../../lib';
import { importedEksV2Cluster } from '../helpers/clusters';
import { prodClusterStack } from '../helpers/errors';
import { errorsOf, expectAnnotation } from '../helpers/stack-messages';

describe('NamespaceCreatedTwice', () => {
  test('two workloads creating one namespace on one cluster', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'shop', image: 'c:1' });
    new PodIdentityBoundWorkload(stack, 'Orders', { cluster, namespace: 'shop', image: 'o:1' });
    expect(withId(messagesOf(app), 'NamespaceCreatedTwice')).toEqual([{
      level: 'error',
      path: '/Stack/Orders',
      text: '[cdk-eks-pod-identity:NamespaceCreatedTwice] namespace "shop" on cluster "prod" is created by Stack/Carts and again by Stack/Orders; the second creation fails the deployment, and deleting either workload would delete the namespace with the other\'s pods. '
        + 'Fix: set createNamespace: false on every workload of that namespace but one',
    }]);
  });

  test('one creator per namespace and cluster, and unresolved namespaces, are fine', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'shop', image: 'c:1' });
    new PodIdentityBoundWorkload(stack, 'Orders', { cluster, namespace: 'shop', image: 'o:1', createNamespace: false });
    new PodIdentityBoundWorkload(stack, 'Staging', { cluster: importedEksV2Cluster(stack, 'StagingCluster', 'staging'), namespace: 'shop', image: 'c:1' });
    const namespace = new CfnParameter(stack, 'Namespace').valueAsString;
    new PodIdentityBoundWorkload(stack, 'Token1', { cluster, namespace, serviceAccountName: 'a', image: 'c:1', createNamespace: true });
    new PodIdentityBoundWorkload(stack, 'Token2', { cluster, namespace, serviceAccountName: 'b', image: 'c:1', createNamespace: true });
    expect(withId(messagesOf(app), 'NamespaceCreatedTwice')).toEqual([]);
  });

  test('a built-in namespace is not created; a namespace created by two workloads is an error', () => {
    const { app, stack, cluster } = prodClusterStack();
    const inDefault = new PodIdentityBoundWorkload(stack, 'Default', { cluster, namespace: 'default', image: 'a:1' });
    expect(inDefault.kubernetesNamespace).toBeUndefined();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'shop', image: 'c:1' });
    new PodIdentityBoundWorkload(stack, 'Orders', { cluster, namespace: 'shop', image: 'o:1' });
    new PodIdentityBoundWorkload(stack, 'Ui', { cluster, namespace: 'shop', image: 'u:1', createNamespace: false });
    app.synth();
    expectAnnotation(errorsOf(stack), 'NamespaceCreatedTwice', 'created by Stack/Carts and again by Stack/Orders');
  });
});
