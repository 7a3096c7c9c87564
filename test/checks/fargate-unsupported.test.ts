// FargateUnsupported: the whole message.
import { App, Stack } from 'aws-cdk-lib';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { messagesOf, newCluster } from './helpers';
import { PodIdentityRole } from '../../lib';
import { ENV } from '../helpers/clusters';

describe('FargateUnsupported', () => {
  test('a FargateCluster: one error per association, and no profile message on top', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = newCluster(stack, {}, eksv2.FargateCluster);
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    expect(messagesOf(app).filter(m => m.text.includes('Fargate'))).toEqual([{
      level: 'error',
      path: '/Stack/Role/Association0',
      text: '[cdk-eks-pod-identity:FargateUnsupported] cluster Stack/New is a FargateCluster; EKS Pod Identity does not work on Fargate pods. '
        + 'Fix: run the workload on EC2 nodes (a Cluster with a managed node group), or use IRSA (cluster.addServiceAccount) on Fargate',
    }]);
  });
});
