// Shared by the tests that read one stack's errors and warnings after synthesis, and the small apps they are written
// for. Unlike test/checks/helpers.ts, nothing here states whether an imported cluster runs the agent add-on.
import { App, Stack } from 'aws-cdk-lib';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ENV, KUBECTL_LAYER_ARN } from './clusters';
import { prodClusterStack } from './errors';
import { PodIdentityBoundWorkload, PodIdentityBoundWorkloadProps } from '../../lib';

/** A new aws_eks_v2 cluster (of the given class) in a fresh stack; the layer ARN stands in for the kubectl asset. */
export function withNewCluster(props: Partial<eksv2.ClusterProps> = {}, clusterClass: typeof eksv2.Cluster = eksv2.Cluster) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const cluster = new clusterClass(stack, 'Cluster', {
    version: eksv2.KubernetesVersion.V1_33,
    kubectlProviderOptions: { kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', KUBECTL_LAYER_ARN) },
    ...props,
  });
  return { app, stack, cluster };
}

/** The workload Stack/Carts (carts/carts, image cart:1) on the imported cluster of prodClusterStack(). */
export function cartsWorkload(overrides: Partial<PodIdentityBoundWorkloadProps> = {}) {
  const { app, stack, cluster } = prodClusterStack();
  const w = new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', serviceAccountName: 'carts', image: 'cart:1', ...overrides });
  return { app, stack, cluster, workload: w };
}

// Read from the cloud assembly: the same messages as assertions' Annotations.fromStack, without re-scanning.
function messagesOf(stack: Stack, level: string): string[] {
  return (stack.node.root as App).synth().getStackArtifact(stack.artifactId).messages
    .filter(m => m.level === level).map(m => String(m.entry.data));
}

export function errorsOf(stack: Stack): string[] {
  return messagesOf(stack, 'error');
}

export function warningsOf(stack: Stack): string[] {
  return messagesOf(stack, 'warning');
}

/** Asserts exactly one annotation with the id, naming the value. */
export function expectAnnotation(messages: string[], id: string, value: string) {
  const matching = messages.filter(m => m.includes(`[cdk-eks-pod-identity:${id}]`));
  expect(matching).toHaveLength(1);
  expect(matching[0]).toContain(value);
  expect(matching[0]).toContain('Fix:');
}
