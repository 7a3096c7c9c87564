// UnsupportedRegion: the whole message, and the regions it must not report.
import { App, Stack } from 'aws-cdk-lib';
import { messagesOf, setup, withId } from './helpers';
import { PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';
import { errorsOf, expectAnnotation } from '../helpers/stack-messages';

describe('UnsupportedRegion', () => {
  test.each(['cn-north-1', 'us-gov-west-1'])('%s: one error', region => {
    const { app } = setup({ account: ENV.account, region });
    const stack = app.node.findChild('Stack') as Stack;
    new PodIdentityRole(stack, 'Role').associate(stack.node.findChild('Cluster') as any, { namespace: 'default', serviceAccount: 'app' });
    expect(withId(messagesOf(app), 'UnsupportedRegion')).toEqual([{
      level: 'error',
      path: '/Stack/Role/Association0',
      text: `[cdk-eks-pod-identity:UnsupportedRegion] region "${region}" does not offer EKS Pod Identity (not available in the China and AWS GovCloud (US) regions). `
        + 'Fix: use IAM roles for service accounts (IRSA: cluster.addServiceAccount) in this region, or deploy to a commercial region',
    }]);
  });

  test.each(['us-east-1', 'eu-cn-1', 'ap-us-gov-1'])('%s is fine', region => {
    const { app, stack, cluster } = setup({ account: ENV.account, region });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    expect(messagesOf(app)).toEqual([]);
  });

  test('a region-agnostic stack is not reported', () => {
    const { app, stack, cluster } = setup({});
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    expect(messagesOf(app)).toEqual([]);
  });

  test.each(['cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1'])('a workload in region %s', (region) => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region } });
    new PodIdentityBoundWorkload(stack, 'W', { cluster: importedEksV2Cluster(stack), namespace: 'carts', image: 'cart:1' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'UnsupportedRegion', `"${region}"`);
  });

  test('a workload in a region-agnostic stack: no error', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    new PodIdentityBoundWorkload(stack, 'W', { cluster: importedEksV2Cluster(stack), namespace: 'carts', image: 'cart:1' });
    app.synth();
    expect(errorsOf(stack)).toEqual([]);
  });
});
