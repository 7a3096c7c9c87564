import * as eks from 'aws-cdk-lib/aws-eks';
import { CheckContext } from './check';
import { clusterLabel, clusterNameOf } from '../private/cluster';
import { annotateWarning } from '../private/errors';
import { RegisteredAssociation } from '../private/registry';

/** `NoLinuxCapacity`: a cluster with only Windows node groups (reported once per cluster). */
export function checkNoLinuxCapacity({ registry, facts }: CheckContext) {
  const firstAssociationOf = new Map<eks.IClusterRef, RegisteredAssociation>();
  for (const association of registry.associations) {
    if (!firstAssociationOf.has(association.cluster)) firstAssociationOf.set(association.cluster, association);
  }
  for (const [cluster, association] of firstAssociationOf) {
    const nodegroups = facts.nodegroups.filter(ng => ng.clusterName === clusterNameOf(cluster));
    const windows = nodegroups.filter(ng => typeof ng.amiType === 'string' && ng.amiType.startsWith('WINDOWS'));
    if (windows.length === 0 || windows.length < nodegroups.length) continue;
    // Self-managed capacity (addAutoScalingGroupCapacity, the default capacity) lives under the cluster.
    if (facts.autoScalingGroups.some(asg => asg.node.scopes.includes(cluster))) continue;
    annotateWarning(association, 'NoLinuxCapacity',
      `cluster ${clusterLabel(cluster)} has only Windows node groups (${windows.map(ng => ng.node.path).join(', ')}); EKS Pod Identity works on Linux EC2 nodes only`,
      'add a Linux managed node group (e.g. AMI type AL2023_x86_64_STANDARD) for the workloads that use Pod Identity');
  }
}
