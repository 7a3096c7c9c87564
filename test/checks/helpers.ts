// What the tests of the cross-construct checks share: small apps on imported clusters where possible (so that
// mutation testing, `npx projen mutation`, can run them for every mutant of the checks), and the messages of an app.
import { App, Stack } from 'aws-cdk-lib';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { PodIdentityAgentAddon, PodIdentityBoundWorkload, PodIdentityBoundWorkloadProps } from '../../lib';
import { ENV, importedEksV2Cluster, KUBECTL_LAYER_ARN } from '../helpers/clusters';

export interface Message {
  readonly level: string;
  readonly path: string;
  readonly text: string;
}

/** Every error and warning of the app's stacks, after synthesis. */
export function messagesOf(app: App): Message[] {
  return app.synth().stacks.flatMap(stack => stack.messages.map(m => ({ level: m.level, path: m.id, text: String(m.entry.data) })));
}

export function withId(messages: Message[], id: string): Message[] {
  return messages.filter(m => m.text.startsWith(`[cdk-eks-pod-identity:${id}]`));
}

export function setup(env: { account?: string; region?: string } | undefined = ENV) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env });
  const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
  // The user states that the agent is not installed yet (else AgentAddonOnImportedCluster warns; tested on its own).
  PodIdentityAgentAddon.of(cluster);
  return { app, stack, cluster };
}

export function workload(overrides: Partial<PodIdentityBoundWorkloadProps> = {}) {
  const { app, stack, cluster } = setup();
  const w = new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', serviceAccountName: 'carts', image: 'cart:1', ...overrides });
  return { app, stack, cluster, workload: w };
}

export function newCluster(stack: Stack, props: Partial<eksv2.ClusterProps> = {}, clusterClass: typeof eksv2.Cluster = eksv2.Cluster): eksv2.Cluster {
  return new clusterClass(stack, 'New', {
    version: eksv2.KubernetesVersion.V1_33,
    kubectlProviderOptions: { kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', KUBECTL_LAYER_ARN) },
    ...props,
  });
}
