import { Token } from 'aws-cdk-lib';
import { CheckContext } from './check';
import { clusterLabel, clusterNameOf, isFargateCluster } from '../private/cluster';
import { annotateError, annotateWarning, quote } from '../private/errors';

/** `FargateUnsupported` / `FargateProfileSelectsNamespace`: Pod Identity does not work on Fargate pods. */
export function checkFargate({ registry, facts }: CheckContext) {
  for (const association of registry.associations) {
    const cluster = association.cluster;
    if (isFargateCluster(cluster)) {
      annotateError(association, 'FargateUnsupported',
        `cluster ${clusterLabel(cluster)} is a FargateCluster; EKS Pod Identity does not work on Fargate pods`,
        'run the workload on EC2 nodes (a Cluster with a managed node group), or use IRSA (cluster.addServiceAccount) on Fargate');
      continue;
    }
    if (Token.isUnresolved(association.namespace)) continue;
    for (const selector of facts.fargateSelectors) {
      if (selector.clusterName !== clusterNameOf(cluster) || selector.namespace !== association.namespace) continue;
      const labels = Object.entries(selector.labels ?? {});
      if (labels.length === 0) {
        annotateError(association, 'FargateUnsupported',
          `the Fargate profile ${selector.profile} of cluster ${clusterLabel(cluster)} selects every pod in namespace ${quote(association.namespace)}, and EKS Pod Identity does not work on Fargate pods`,
          'run the workload in a namespace no Fargate profile selects, narrow the profile with labels, or use IRSA for Fargate pods');
      } else {
        annotateWarning(association, 'FargateProfileSelectsNamespace',
          `the Fargate profile ${selector.profile} selects pods labelled ${quote(Object.fromEntries(labels))} in namespace ${quote(association.namespace)}; such pods get no Pod Identity credentials`,
          'make sure the workload\'s pods do not carry those labels');
      }
    }
  }
}
