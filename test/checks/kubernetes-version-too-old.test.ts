// KubernetesVersionTooOld: the whole message at the version's edges.
import { App, Stack } from 'aws-cdk-lib';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { messagesOf, newCluster, withId } from './helpers';
import { PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { ENV } from '../helpers/clusters';
import { errorsOf, expectAnnotation, withNewCluster } from '../helpers/stack-messages';

describe('KubernetesVersionTooOld', () => {
  test.each([['1.23', true], ['0.30', true], ['1.9', true], ['1.24', false], ['1.33', false], ['2.0', false]])('version %s: reported %s', (version, reported) => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = newCluster(stack, { version: eksv2.KubernetesVersion.of(version) });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    const errors = withId(messagesOf(app), 'KubernetesVersionTooOld');
    expect(errors).toEqual(reported ? [{
      level: 'error',
      path: '/Stack/Role/Association0',
      text: `[cdk-eks-pod-identity:KubernetesVersionTooOld] cluster Stack/New runs Kubernetes ${version}; EKS Pod Identity needs 1.24 or later. `
        + 'Fix: upgrade the cluster\'s version to 1.24 or later (e.g. KubernetesVersion.V1_33)',
    }] : []);
  });

  test('a cluster below Kubernetes 1.24', () => {
    const { app, stack, cluster } = withNewCluster({ version: eksv2.KubernetesVersion.of('1.23') });
    new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'cart:1' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'KubernetesVersionTooOld', 'Kubernetes 1.23');
  });

  test('1.24 itself is fine', () => {
    const { app, stack, cluster } = withNewCluster({ version: eksv2.KubernetesVersion.of('1.24') });
    new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'cart:1' });
    app.synth();
    expect(errorsOf(stack)).toEqual([]);
  });
});
