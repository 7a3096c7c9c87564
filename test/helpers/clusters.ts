// Cluster fixtures of the four kinds the library supports: new and imported, aws_eks and aws_eks_v2.
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';
export const ENV = { account: ACCOUNT, region: REGION };

/** A layer ARN stands in for the 36 MB kubectl layer asset: nothing in these tests runs kubectl. */
export const KUBECTL_LAYER_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:kubectl:1`;
export const KUBECTL_PROVIDER_SERVICE_TOKEN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:kubectl-provider`;
export const KUBECTL_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/kubectl-admin`;
export const IMPORTED_V2_CLUSTER_NAME = 'imported-v2-cluster';
export const IMPORTED_V1_CLUSTER_NAME = 'imported-v1-cluster';

export type AnyCluster = eks.ICluster | eksv2.ICluster;

/** The four kinds of cluster, each with a human-readable name for `test.each`. */
export type ClusterKind = 'eks-v2' | 'eks' | 'imported-eks-v2' | 'imported-eks';
export const CLUSTER_KINDS: ClusterKind[] = ['eks-v2', 'eks', 'imported-eks-v2', 'imported-eks'];
/** Clusters that aws-cdk-lib creates (and whose `eksPodIdentityAgent` it manages). */
export const NEW_CLUSTER_KINDS: ClusterKind[] = ['eks-v2', 'eks'];
/** Clusters imported with `fromClusterAttributes`. */
export const IMPORTED_CLUSTER_KINDS: ClusterKind[] = ['imported-eks-v2', 'imported-eks'];

/** A fresh app and stack with an explicit environment. */
export function newStack(stackId = 'TestStack'): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, stackId, { env: ENV });
  return { app, stack };
}

function kubectlLayer(scope: Construct, id: string): lambda.ILayerVersion {
  return lambda.LayerVersion.fromLayerVersionArn(scope, id, KUBECTL_LAYER_ARN);
}

/**
 * A new aws_eks_v2 cluster on managed node groups without default capacity: one that needs the agent add-on
 * (the module's default, Auto Mode, has the agent built in; see `newAutoModeCluster`).
 */
export function newEksV2Cluster(scope: Construct, id = 'Cluster'): eksv2.Cluster {
  return new eksv2.Cluster(scope, id, {
    version: eksv2.KubernetesVersion.V1_33,
    defaultCapacityType: eksv2.DefaultCapacityType.NODEGROUP,
    defaultCapacity: 0,
    kubectlProviderOptions: { kubectlLayer: kubectlLayer(scope, `${id}KubectlLayer`) },
  });
}

/** A new aws_eks_v2 cluster in EKS Auto Mode (the module's default capacity type). */
export function newAutoModeCluster(scope: Construct, id = 'Cluster'): eksv2.Cluster {
  return new eksv2.Cluster(scope, id, {
    version: eksv2.KubernetesVersion.V1_33,
    kubectlProviderOptions: { kubectlLayer: kubectlLayer(scope, `${id}KubectlLayer`) },
  });
}

/** A new aws_eks cluster without default capacity. */
export function newEksCluster(scope: Construct, id = 'Cluster'): eks.Cluster {
  return new eks.Cluster(scope, id, {
    version: eks.KubernetesVersion.V1_33,
    kubectlLayer: kubectlLayer(scope, `${id}KubectlLayer`),
    defaultCapacity: 0,
  });
}

/** An existing cluster imported into aws_eks_v2 with an existing kubectl provider. */
export function importedEksV2Cluster(scope: Construct, id = 'Cluster', clusterName = IMPORTED_V2_CLUSTER_NAME): eksv2.ICluster {
  return eksv2.Cluster.fromClusterAttributes(scope, id, importedEksV2Attributes(scope, id, clusterName));
}

/** An existing aws_eks_v2 cluster imported with a kubectl provider and its IRSA OIDC provider (IRSA migration). */
export function importedEksV2ClusterWithOidc(scope: Construct, id = 'Cluster', clusterName = IMPORTED_V2_CLUSTER_NAME): eksv2.ICluster {
  return eksv2.Cluster.fromClusterAttributes(scope, id, {
    ...importedEksV2Attributes(scope, id, clusterName),
    openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(scope, `${id}Oidc`,
      `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.${REGION}.amazonaws.com/id/EXAMPLE`),
  });
}

function importedEksV2Attributes(scope: Construct, id: string, clusterName: string): eksv2.ClusterAttributes {
  return {
    clusterName,
    kubectlProvider: eksv2.KubectlProvider.fromKubectlProviderAttributes(scope, `${id}KubectlProvider`, {
      serviceToken: KUBECTL_PROVIDER_SERVICE_TOKEN,
    }),
  };
}

/** An existing cluster imported into aws_eks with a kubectl role (aws-cdk-lib makes the kubectl provider). */
export function importedEksCluster(scope: Construct, id = 'Cluster', clusterName = IMPORTED_V1_CLUSTER_NAME): eks.ICluster {
  return eks.Cluster.fromClusterAttributes(scope, id, {
    clusterName,
    kubectlRoleArn: KUBECTL_ROLE_ARN,
    kubectlLayer: kubectlLayer(scope, `${id}KubectlLayer`),
  });
}

/** A cluster of the given kind. */
export function makeCluster(kind: ClusterKind, scope: Construct, id = 'Cluster'): AnyCluster {
  switch (kind) {
    case 'eks-v2': return newEksV2Cluster(scope, id);
    case 'eks': return newEksCluster(scope, id);
    case 'imported-eks-v2': return importedEksV2Cluster(scope, id, importedName(IMPORTED_V2_CLUSTER_NAME, id));
    case 'imported-eks': return importedEksCluster(scope, id, importedName(IMPORTED_V1_CLUSTER_NAME, id));
  }
}

// Two imported clusters in one stack need distinct names.
function importedName(base: string, id: string): string {
  return id === 'Cluster' ? base : `${base}-${id.toLowerCase()}`;
}

/** A fresh app, stack and cluster of the given kind. */
export function stackWithCluster(kind: ClusterKind, stackId = 'TestStack'): { app: App; stack: Stack; cluster: AnyCluster } {
  const { app, stack } = newStack(stackId);
  return { app, stack, cluster: makeCluster(kind, stack) };
}

/**
 * What the template uses for the cluster's name: a `Ref` to the cluster resource for new clusters, the literal
 * name for imported ones.
 */
export function clusterNameIn(stack: Stack, cluster: AnyCluster): any {
  return stack.resolve(cluster.clusterName);
}
