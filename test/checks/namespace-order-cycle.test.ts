// NamespaceOrderCycle (reported by the deploy order of lib/private/deploy-order.ts): the whole message.
import { App, Stack } from 'aws-cdk-lib';
import { messagesOf, withId } from './helpers';
import { PodIdentityAgentAddon, PodIdentityBoundWorkload } from '../../lib';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';

describe('NamespaceOrderCycle', () => {
  test('two stacks each creating a namespace the other uses: one error naming the two dependencies', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: ENV });
    const b = new Stack(app, 'B', { env: ENV });
    PodIdentityAgentAddon.of(importedEksV2Cluster(new Stack(app, 'Cluster', { env: ENV }), 'Cluster', 'prod'));
    const clusterA = importedEksV2Cluster(a, 'Cluster', 'prod');
    const clusterB = importedEksV2Cluster(b, 'Cluster', 'prod');
    new PodIdentityBoundWorkload(a, 'Cart', { cluster: clusterA, namespace: 'ns1', image: 'c:1' });
    new PodIdentityBoundWorkload(a, 'Orders', { cluster: clusterA, namespace: 'ns2', image: 'o:1', createNamespace: false });
    new PodIdentityBoundWorkload(b, 'Ui', { cluster: clusterB, namespace: 'ns2', image: 'u:1' });
    new PodIdentityBoundWorkload(b, 'Assets', { cluster: clusterB, namespace: 'ns1', image: 'a:1', createNamespace: false });
    const [error, ...others] = withId(messagesOf(app), 'NamespaceOrderCycle');
    expect(others).toEqual([]);
    expect(error.path).toBe('/B/Assets');
    expect(error.text).toContain('[cdk-eks-pod-identity:NamespaceOrderCycle] B/Assets uses namespace "ns1" created by A/Cart, so stack B must deploy after stack A; '
      + 'but stack A already deploys after stack B (A/Orders uses namespace "ns2" created by B/Ui): a dependency cycle CloudFormation cannot deploy. Fix: create each namespace in a stack');
  });
});
