// Applying a workload's objects with the cluster's kubectl provider (lib/private/kubectl-manifest.ts): applyManifest
// renders them lazily at synthesis, once per synthesis, and does not keep the manifest string once the template is
// written (a fleet of thousands would otherwise hold every manifest); a cluster without a kubectl provider is refused.
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { PodIdentityBoundWorkload } from '../../lib';
import { applyManifest } from '../../lib/private/kubectl-manifest';
import { importedEksV2Cluster, newStack } from '../helpers/clusters';
import { messageOf, prodClusterStack } from '../helpers/errors';

function manifestOf(renders: { count: number }, value: () => string) {
  const { app, stack } = newStack();
  const cluster = importedEksV2Cluster(stack);
  const manifest = applyManifest(stack, 'Manifest', cluster, {
    render: () => {
      renders.count++;
      return [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { value: value() } }];
    },
  });
  const resource = manifest.node.defaultChild as CfnResource;
  return { app, stack, resource };
}

const manifestProperty = (stack: Stack, resource: CfnResource) => stack.resolve((resource as any).rawOverrides.Properties.Manifest);

test('a synthesis renders the objects once, for both of its reads of the template', () => {
  const renders = { count: 0 };
  const { app, stack } = manifestOf(renders, () => 'v1');
  const template = app.synth().getStackByName(stack.stackName).template;
  const manifest = Object.values<any>(template.Resources).find(r => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource').Properties.Manifest;
  expect(JSON.parse(manifest)[0].data).toEqual({ value: 'v1' });
  expect(renders.count).toBe(1);
});

test('after two reads the string is released: a third read renders again, with the objects as they are then', () => {
  const renders = { count: 0 };
  let value = 'first';
  const { stack, resource } = manifestOf(renders, () => value);
  const first = manifestProperty(stack, resource);
  expect(manifestProperty(stack, resource)).toBe(first);
  expect(renders.count).toBe(1);
  value = 'second';
  const third = manifestProperty(stack, resource);
  expect(renders.count).toBe(2);
  expect(JSON.parse(first)[0].data.value).toBe('first');
  expect(JSON.parse(third)[0].data.value).toBe('second');
  expect(JSON.parse(third)[0].metadata.labels).toEqual(JSON.parse(first)[0].metadata.labels);
});

describe('a cluster without a kubectl provider', () => {
  test('an aws_eks_v2 cluster without a kubectl provider', () => {
    const { stack } = prodClusterStack();
    const cluster = eksv2.Cluster.fromClusterAttributes(stack, 'NoProvider', { clusterName: 'prod' });
    expect(messageOf(() => new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'cart:1' }))).toBe(
      '[cdk-eks-pod-identity:NoKubectlProvider] Stack/W: cluster Stack/NoProvider has no kubectl provider, so Kubernetes manifests cannot be applied to it. '
      + 'Fix: import an existing cluster with ExistingCluster.fromClusterName(scope, id, { clusterName, kubectlRoleArn, kubectlLayer }), which builds its kubectl provider (Cluster.fromClusterAttributes ignores kubectlProviderOptions); create a new cluster with kubectlProviderOptions: { kubectlLayer }; or deliver with ManifestDelivery.gitOps(...)');
  });
});
