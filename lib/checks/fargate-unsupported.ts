import { CheckContext } from './check';
import { clusterLabel, isFargateCluster } from '../private/cluster';
import { annotateError, quote } from '../private/errors';
import { fargateSelections, FargateSelection } from '../private/fargate-selection';

/**
 * `FargateUnsupported`: Pod Identity does not work on Fargate pods: the association's cluster is a `FargateCluster`,
 * or a Fargate profile selects the association's pods (no labels, or labels the workload's pods carry).
 */
export function checkFargateUnsupported({ registry, facts }: CheckContext) {
  for (const association of registry.associations) {
    const cluster = association.cluster;
    if (!isFargateCluster(cluster)) continue;
    annotateError(association, 'FargateUnsupported',
      `cluster ${clusterLabel(cluster)} is a FargateCluster; EKS Pod Identity does not work on Fargate pods`,
      'run the workload on EC2 nodes (a Cluster with a managed node group), or use IRSA (cluster.addServiceAccount) on Fargate');
  }
  for (const { association, selector, labels, selectsPods } of fargateSelections(registry, facts)) {
    if (!selectsPods) continue;
    annotateError(association, 'FargateUnsupported',
      `the Fargate profile ${selector.profile} of cluster ${clusterLabel(association.cluster)} selects ${describeSelection(selector, labels)} in namespace ${quote(association.namespace)}, and EKS Pod Identity does not work on Fargate pods`,
      'run the workload in a namespace no Fargate profile selects, narrow the profile with labels, or use IRSA for Fargate pods');
  }
}

function describeSelection(selector: FargateSelection['selector'], labels: Array<[string, string]>): string {
  const pods = labels.length === 0 ? 'every pod' : `the workload's pods (labels ${quote(Object.fromEntries(labels))})`;
  return selector.namespace.includes('*') || selector.namespace.includes('?') ? `${pods} (selector namespace ${quote(selector.namespace)})` : pods;
}
