// The lean scenario: the library's own cost where shared costs do not hide it. An imported aws_eks_v2 cluster (the
// agent already installed), 100 workloads per stack, the table imported by name in each stack (no cross-stack
// reference), and 50 namespaces created once in the platform stack, used by the workloads with createNamespace:
// false. The plain app writes the same role trust (this cluster's ARN, namespace and service account), the same
// grant, a CfnPodIdentityAssociation and one manifest with the same objects, after the namespaces.
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as library from '../lib';
import { byHandRoleAndAssociation, kubernetesObjects } from './variants';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PodIdentityAgentAddon, PodIdentityBoundWorkload } = require(process.env.BENCH_LIBRARY || '../lib') as typeof library;

const ENV = { account: '111111111111', region: 'us-east-1' };
const TABLE_NAME = 'bench-table';
export const LEAN_WORKLOADS_PER_STACK = 100;
export const LEAN_NAMESPACES = 50;
export const LEAN_PLATFORM_STACK = 'Platform';

export function leanStackCountFor(workloads: number): number {
  return Math.max(1, Math.ceil(workloads / LEAN_WORKLOADS_PER_STACK));
}

function names(i: number) {
  return { id: `Service${i}`, name: `service${i}`, namespace: `team-${i % LEAN_NAMESPACES}` };
}

/** The platform stack: the imported cluster and one manifest creating the shared namespaces. */
function platform(app: App) {
  const stack = new Stack(app, LEAN_PLATFORM_STACK, { env: ENV });
  const kubectlProvider = eksv2.KubectlProvider.fromKubectlProviderAttributes(stack, 'KubectlProvider', {
    serviceToken: 'arn:aws:lambda:us-east-1:111111111111:function:kubectl-provider',
    role: iam.Role.fromRoleArn(stack, 'KubectlRole', 'arn:aws:iam::111111111111:role/kubectl-provider'),
  });
  const cluster = eksv2.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'bench', kubectlProvider });
  const namespaces = cluster.addManifest('Namespaces', ...Array.from({ length: LEAN_NAMESPACES },
    (_, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${i}` } })));
  return { stack, cluster, namespaces };
}

/** Workload stacks of 100, each importing the table by name. */
function stacks(app: App) {
  const made = new Map<number, { stack: Stack; table: dynamodb.ITable }>();
  return (i: number) => {
    const index = Math.floor(i / LEAN_WORKLOADS_PER_STACK);
    let entry = made.get(index);
    if (!entry) {
      const stack = new Stack(app, `Workloads${index}`, { env: ENV });
      entry = { stack, table: dynamodb.Table.fromTableName(stack, 'Table', TABLE_NAME) };
      made.set(index, entry);
    }
    return entry;
  };
}

function buildWithLibrary(app: App, workloads: number) {
  const { stack: platformStack, cluster } = platform(app);
  PodIdentityAgentAddon.fromInstalledAddon(platformStack, 'Agent', cluster);
  const stackOf = stacks(app);
  for (let i = 0; i < workloads; i++) {
    const { id, namespace } = names(i);
    const { stack, table } = stackOf(i);
    const workload = new PodIdentityBoundWorkload(stack, id, {
      cluster,
      namespace,
      createNamespace: false,
      image: IMAGE,
      port: 8080,
      env: { TABLE_NAME: table.tableName },
    });
    table.grantReadWriteData(workload);
  }
}

const IMAGE = 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0';

function buildByHand(app: App, workloads: number) {
  const { cluster, namespaces } = platform(app);
  const stackOf = stacks(app);
  for (let i = 0; i < workloads; i++) {
    const { id, name, namespace } = names(i);
    const { stack, table } = stackOf(i);
    if (i % LEAN_WORKLOADS_PER_STACK === 0) stack.addDependency(Stack.of(namespaces));
    const { association } = byHandRoleAndAssociation(stack, id, cluster, namespace, name, table);
    const [, serviceAccount, deployment] = kubernetesObjects(name, namespace, table.tableName);
    // The same pod-template annotation as the library's (a hash of the identity, so a change rolls the pods).
    deployment.spec.template.metadata.annotations = { 'cdk-eks-pod-identity/identity-hash': '0123456789abcdef' };
    const manifest = new eksv2.KubernetesManifest(stack, `${id}Manifest`, { cluster, manifest: [serviceAccount, deployment] });
    manifest.node.addDependency(association);
  }
}

export type LeanVariant = 'library' | 'by-hand';
export const LEAN_BUILDERS: { [variant in LeanVariant]: (app: App, workloads: number) => void } = {
  'library': buildWithLibrary,
  'by-hand': buildByHand,
};
