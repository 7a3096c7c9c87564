// FargateProfileSelectsNamespace, beside FargateUnsupported for the profiles that select every pod: the whole messages.
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { messagesOf, newCluster } from './helpers';
import { PodIdentityRole } from '../../lib';
import { ENV } from '../helpers/clusters';

describe('FargateProfileSelectsNamespace', () => {
  test('profiles selecting the namespace: an error without labels, a warning with labels, nothing for other namespaces', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = newCluster(stack);
    cluster.addFargateProfile('All', { selectors: [{ namespace: 'carts' }, { namespace: 'other' }] });
    cluster.addFargateProfile('Labelled', { selectors: [{ namespace: 'carts', labels: { compute: 'fargate' } }] });
    cluster.addFargateProfile('Orders', { selectors: [{ namespace: 'orders' }] });
    new eks.CfnFargateProfile(stack, 'OtherCluster', { clusterName: 'staging', podExecutionRoleArn: 'arn:aws:iam::111111111111:role/fargate', selectors: [{ namespace: 'carts' }] });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'carts', serviceAccount: 'app' });
    new PodIdentityRole(stack, 'Unresolved').associate(cluster, { namespace: new CfnParameter(stack, 'Namespace').valueAsString, serviceAccount: 'app' });
    const messages = messagesOf(app).filter(m => m.text.includes('Fargate'));
    expect(messages).toEqual([
      {
        level: 'error',
        path: '/Stack/Role/Association0',
        text: '[cdk-eks-pod-identity:FargateUnsupported] the Fargate profile Stack/New/fargate-profile-All/Resource of cluster Stack/New selects every pod in namespace "carts", and EKS Pod Identity does not work on Fargate pods. '
          + 'Fix: run the workload in a namespace no Fargate profile selects, narrow the profile with labels, or use IRSA for Fargate pods',
      },
      {
        level: 'warning',
        path: '/Stack/Role/Association0',
        text: expect.stringContaining('[cdk-eks-pod-identity:FargateProfileSelectsNamespace] the Fargate profile Stack/New/fargate-profile-Labelled/Resource selects pods labelled {"compute":"fargate"} in namespace "carts"; such pods get no Pod Identity credentials. '
          + 'Fix: make sure the workload\'s pods do not carry those labels'),
      },
    ]);
  });
});
