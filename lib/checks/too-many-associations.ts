import { CheckContext } from './check';
import { clusterKey, clusterLabel } from '../private/cluster';
import { MAX_ASSOCIATIONS_PER_CLUSTER } from '../private/eks-facts';
import { annotateError } from '../private/errors';
import { RegisteredAssociation } from '../private/registry';

/** `TooManyAssociations`: more associations for one cluster than EKS allows. */
export function checkTooManyAssociations({ registry }: CheckContext) {
  const byCluster = new Map<string, RegisteredAssociation[]>();
  for (const association of registry.associations) {
    const key = clusterKey(association.cluster);
    const group = byCluster.get(key) ?? [];
    group.push(association);
    byCluster.set(key, group);
  }
  for (const group of byCluster.values()) {
    if (group.length > MAX_ASSOCIATIONS_PER_CLUSTER) {
      annotateError(group[MAX_ASSOCIATIONS_PER_CLUSTER], 'TooManyAssociations',
        `cluster ${clusterLabel(group[0].cluster)} has ${group.length} Pod Identity associations in this app; EKS allows ${MAX_ASSOCIATIONS_PER_CLUSTER} per cluster`,
        'share roles between service accounts of the same team, or spread the workloads over more clusters');
    }
  }
}
