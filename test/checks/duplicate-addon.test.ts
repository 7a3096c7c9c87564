// DuplicateAddon: the whole message, and the near misses it must not report.
import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { messagesOf, setup, withId } from './helpers';
import { PodIdentityAddon } from '../../lib';
import { ENV } from '../helpers/clusters';

describe('DuplicateAddon', () => {
  test('an add-on defined twice for one cluster: one error on the second, naming both', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityAddon(stack, 'Cni', { cluster, addonName: 'vpc-cni' });
    new eks.CfnAddon(stack, 'HandMade', { clusterName: 'prod', addonName: 'vpc-cni' });
    expect(withId(messagesOf(app), 'DuplicateAddon')).toEqual([{
      level: 'error',
      path: '/Stack/HandMade',
      text: '[cdk-eks-pod-identity:DuplicateAddon] the "vpc-cni" add-on is defined twice for one cluster, at Stack/Cni/Resource and at Stack/HandMade; the second fails to deploy because the add-on exists. '
        + 'Fix: define it once: keep the PodIdentityAddon (it creates the add-on with its Pod Identity associations and roles) and remove the other Addon/CfnAddon',
    }]);
  });

  test('other add-ons, other clusters, other accounts, and the agent add-on (DuplicateAgentAddon\'s) are not reported', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityAddon(stack, 'Cni', { cluster, addonName: 'vpc-cni' });
    new eks.CfnAddon(stack, 'Coredns', { clusterName: 'prod', addonName: 'coredns' });
    new eks.CfnAddon(stack, 'Staging', { clusterName: 'staging', addonName: 'vpc-cni' });
    new eks.CfnAddon(new Stack(app, 'Other', { env: { account: '999999999999', region: ENV.region } }), 'Cni', { clusterName: 'prod', addonName: 'vpc-cni' });
    new eks.CfnAddon(stack, 'Agent', { clusterName: 'prod', addonName: 'eks-pod-identity-agent' });
    const messages = messagesOf(app);
    expect(withId(messages, 'DuplicateAgentAddon').map(m => m.path)).toEqual(['/Stack/Agent']);
    expect(withId(messages, 'DuplicateAddon')).toEqual([]);
  });

});
