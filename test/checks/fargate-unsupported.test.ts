// FargateUnsupported: the whole message, on FargateClusters of both modules, and Fargate profiles wherever they are defined.
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { messagesOf, newCluster } from './helpers';
import { PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { ENV, KUBECTL_LAYER_ARN } from '../helpers/clusters';
import { errorsOf, expectAnnotation, withNewCluster } from '../helpers/stack-messages';

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

  test('a workload on a FargateCluster', () => {
    const { app, stack, cluster } = withNewCluster({}, eksv2.FargateCluster);
    new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'cart:1' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'FargateUnsupported', 'is a FargateCluster');
  });

  test('an aws_eks FargateCluster too', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = new eks.FargateCluster(stack, 'Fargate', {
      version: eks.KubernetesVersion.V1_33,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', KUBECTL_LAYER_ARN),
    });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'FargateUnsupported', 'is a FargateCluster');
  });

  test('a Fargate profile defined outside the cluster construct is found too', () => {
    const { app, stack, cluster } = withNewCluster();
    new eksv2.FargateProfile(stack, 'Elsewhere', { cluster, selectors: [{ namespace: 'carts' }] });
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'c:1' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'FargateUnsupported', 'Stack/Elsewhere');
  });
});
