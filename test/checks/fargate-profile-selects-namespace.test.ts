// FargateProfileSelectsNamespace, beside FargateUnsupported for the profiles that select every pod: the whole messages.
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { messagesOf, newCluster } from './helpers';
import { PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { ENV, KUBECTL_LAYER_ARN } from '../helpers/clusters';
import { errorsOf, expectAnnotation, warningsOf } from '../helpers/stack-messages';

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

  test.each(['eks-v2', 'eks'])('a Fargate profile selecting the namespace (%s)', (module) => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const layer = lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', KUBECTL_LAYER_ARN);
    const cluster = module === 'eks-v2'
      ? new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.V1_33, kubectlProviderOptions: { kubectlLayer: layer } })
      : new eks.Cluster(stack, 'Cluster', { version: eks.KubernetesVersion.V1_33, kubectlLayer: layer, defaultCapacity: 0 });
    (cluster as any).addFargateProfile('Carts', { selectors: [{ namespace: 'carts' }] });
    (cluster as any).addFargateProfile('Labelled', { selectors: [{ namespace: 'orders', labels: { compute: 'fargate' } }] });
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1' });
    new PodIdentityBoundWorkload(stack, 'Orders', { cluster, namespace: 'orders', image: 'orders:1' });
    new PodIdentityBoundWorkload(stack, 'Ui', { cluster, namespace: 'ui', image: 'ui:1' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'FargateUnsupported', 'namespace "carts"');
    expectAnnotation(warningsOf(stack), 'FargateProfileSelectsNamespace', '{"compute":"fargate"}');
  });
});
