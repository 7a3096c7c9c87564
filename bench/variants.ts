// The three ways of doing one job that the benchmark compares, on a cluster of the "platform" stack, with the
// workloads spread over stacks the same way for every variant (the fleet's placement).
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as library from '../lib';
import { bucketOf } from '../lib/private/placement';

// The library as its users get it when BENCH_LIBRARY names the unpacked tarball (synth.bench.ts packs it), else the
// TypeScript source.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WorkloadFleet } = require(process.env.BENCH_LIBRARY || '../lib') as typeof library;

export type Variant = 'library' | 'aws-cdk-lib' | 'by-hand';
export type ClusterKind = 'imported' | 'new';

export const VARIANTS: Variant[] = ['library', 'aws-cdk-lib', 'by-hand'];
export const CLUSTER_KINDS: ClusterKind[] = ['imported', 'new'];

const ENV = { account: '111111111111', region: 'us-east-1' };
const IMAGE = 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0';
const POD_IDENTITY_SERVICE_PRINCIPAL = 'pods.eks.amazonaws.com';
export const PLATFORM_STACK = 'Platform';
/** Workloads per stack on average: the fleet's stack count is N / this, rounded up. */
export const WORKLOADS_PER_STACK = 50;

export function stackCountFor(workloads: number): number {
  return Math.max(1, Math.ceil(workloads / WORKLOADS_PER_STACK));
}

/** The platform stack: the cluster (imported with an existing kubectl provider, or new) and one DynamoDB table. */
function platform(app: App, kind: ClusterKind) {
  const stack = new Stack(app, PLATFORM_STACK, { env: ENV });
  let cluster: eksv2.ICluster;
  if (kind === 'imported') {
    const kubectlProvider = eksv2.KubectlProvider.fromKubectlProviderAttributes(stack, 'KubectlProvider', {
      serviceToken: 'arn:aws:lambda:us-east-1:111111111111:function:kubectl-provider',
      role: iam.Role.fromRoleArn(stack, 'KubectlRole', 'arn:aws:iam::111111111111:role/kubectl-provider'),
    });
    cluster = eksv2.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'bench', kubectlProvider });
  } else {
    cluster = new eksv2.Cluster(stack, 'Cluster', {
      version: eksv2.KubernetesVersion.V1_33,
      // A layer ARN stands in for the 36 MB kubectl layer asset (same for every variant).
      kubectlProviderOptions: {
        kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', 'arn:aws:lambda:us-east-1:111111111111:layer:kubectl:1'),
      },
    });
  }
  const table = new dynamodb.Table(stack, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  });
  return { stack, cluster, table };
}

/** The stacks workloads go to, created on first use, placed like the fleet places them. */
function placedStacks(app: App, workloads: number) {
  const stackCount = stackCountFor(workloads);
  const stacks = new Map<number, Stack>();
  return (id: string) => {
    const index = bucketOf(id, stackCount);
    let stack = stacks.get(index);
    if (!stack) {
      stack = new Stack(app, `Workloads${index}`, { env: ENV });
      stacks.set(index, stack);
    }
    return stack;
  };
}

function buildWithLibrary(app: App, kind: ClusterKind, workloads: number) {
  const { cluster, table } = platform(app, kind);
  const fleet = new WorkloadFleet(app, 'Fleet', { cluster, stackCount: stackCountFor(workloads), env: ENV });
  for (let i = 0; i < workloads; i++) {
    const { id, namespace } = workloadNames(i); // the service account name defaults to the id in lower case
    const workload = fleet.addWorkload(id, {
      namespace,
      image: IMAGE,
      port: 8080,
      env: { TABLE_NAME: table.tableName },
    });
    table.grantReadWriteData(workload);
  }
}

/**
 * aws-cdk-lib's own Pod Identity support: `eks_v2.ServiceAccount` with `IdentityType.POD_IDENTITY` (role trusted by
 * pods.eks, association, ServiceAccount manifest, the cluster's agent add-on), plus a manifest with the Namespace
 * before it and one with the Deployment after it.
 */
function buildWithAwsCdkLib(app: App, kind: ClusterKind, workloads: number) {
  const { stack: platformStack, cluster, table } = platform(app, kind);
  if (kind === 'imported') agentAddon(platformStack, cluster);
  const stackOf = placedStacks(app, workloads);
  for (let i = 0; i < workloads; i++) {
    const { id, name, namespace } = workloadNames(i);
    const stack = stackOf(id);
    const [namespaceObject, , deployment] = kubernetesObjects(name, namespace, table.tableName);
    const namespaceManifest = new eksv2.KubernetesManifest(stack, `${id}Namespace`, { cluster, manifest: [namespaceObject] });
    const serviceAccount = new eksv2.ServiceAccount(stack, `${id}ServiceAccount`, {
      cluster, name, namespace, identityType: eksv2.IdentityType.POD_IDENTITY,
    });
    serviceAccount.node.addDependency(namespaceManifest);
    table.grantReadWriteData(serviceAccount);
    const deploymentManifest = new eksv2.KubernetesManifest(stack, `${id}Deployment`, { cluster, manifest: [deployment] });
    deploymentManifest.node.addDependency(serviceAccount);
  }
}

/**
 * aws-cdk-lib alone, written out: one `CfnAddon` for the agent, and per workload an `iam.Role` trusted by
 * pods.eks (`sts:AssumeRole` + `sts:TagSession`) for this service account only, a `CfnPodIdentityAssociation` after
 * the role and its policy, and one manifest with exactly the objects the library renders, after the association.
 */
function buildByHand(app: App, kind: ClusterKind, workloads: number) {
  const { stack: platformStack, cluster, table } = platform(app, kind);
  const agent = agentAddon(platformStack, cluster);
  const stackOf = placedStacks(app, workloads);
  for (let i = 0; i < workloads; i++) {
    const { id, name, namespace } = workloadNames(i);
    const stack = stackOf(id);
    const { association } = byHandRoleAndAssociation(stack, id, cluster, namespace, name, table);
    association.node.addDependency(agent);
    const manifest = new eksv2.KubernetesManifest(stack, `${id}Manifest`, {
      cluster, manifest: kubernetesObjects(name, namespace, table.tableName), prune: true,
    });
    manifest.node.addDependency(association);
  }
}

/**
 * The by-hand role and association of one workload: a role trusted by pods.eks for this service account on this
 * cluster only (by ARN), as the library's scoped trust (session tags of the association), read/write on the table,
 * and the association after the role and its policy.
 */
export function byHandRoleAndAssociation(stack: Stack, id: string, cluster: eksv2.ICluster, namespace: string, name: string, table: dynamodb.ITable) {
  const role = new iam.Role(stack, `${id}Role`, {
    assumedBy: new iam.SessionTagsPrincipal(new iam.PrincipalWithConditions(new iam.ServicePrincipal(POD_IDENTITY_SERVICE_PRINCIPAL), {
      StringEquals: {
        'aws:RequestTag/eks-cluster-arn': cluster.clusterArn,
        'aws:RequestTag/kubernetes-namespace': namespace,
        'aws:RequestTag/kubernetes-service-account': name,
      },
    })),
  });
  table.grantReadWriteData(role);
  const association = new eks.CfnPodIdentityAssociation(stack, `${id}Association`, {
    clusterName: cluster.clusterName,
    namespace,
    serviceAccount: name,
    roleArn: role.roleArn,
  });
  association.node.addDependency(role);
  return { role, association };
}

function agentAddon(stack: Stack, cluster: eksv2.ICluster): eks.CfnAddon {
  if (cluster instanceof eksv2.Cluster) return cluster.eksPodIdentityAgent!.node.defaultChild as eks.CfnAddon;
  return new eks.CfnAddon(stack, 'PodIdentityAgent', {
    addonName: 'eks-pod-identity-agent',
    clusterName: cluster.clusterName,
    preserveOnDelete: true,
    resolveConflicts: 'OVERWRITE',
  });
}

/**
 * Exactly the objects the library renders for a workload (cdk8s-plus' selector label and TCP startup probe, the
 * hardened security contexts, the `/tmp` volume), written out.
 */
export function kubernetesObjects(name: string, namespace: string, tableName: string): Array<Record<string, any>> {
  const selector = { 'cdk8s.io/metadata.addr': `${namespace}.${name}-Deployment-c866353d` };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace }, automountServiceAccountToken: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: {
        replicas: 2,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': name, ...selector } },
          spec: {
            automountServiceAccountToken: false,
            containers: [{
              env: [{ name: 'HOME', value: '/tmp' }, { name: 'TABLE_NAME', value: tableName }],
              image: IMAGE,
              imagePullPolicy: 'Always',
              name: 'main',
              ports: [{ containerPort: 8080 }],
              resources: { limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsGroup: 26000,
                runAsNonRoot: true,
                runAsUser: 25000,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              startupProbe: { failureThreshold: 3, tcpSocket: { port: 8080 } },
              volumeMounts: [{ mountPath: '/tmp', name: 'tmp' }],
            }],
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            serviceAccountName: name,
            volumes: [{ emptyDir: {}, name: 'tmp' }],
          },
        },
      },
    },
  ];
}

export const BUILDERS: { [variant in Variant]: (app: App, kind: ClusterKind, workloads: number) => void } = {
  'library': buildWithLibrary,
  'aws-cdk-lib': buildWithAwsCdkLib,
  'by-hand': buildByHand,
};

/** The construct id, service account/Deployment name and namespace of workload `i`, the same in every variant. */
function workloadNames(i: number): { id: string; name: string; namespace: string } {
  return { id: `Service${i}`, name: `service${i}`, namespace: `service-${i}` };
}
