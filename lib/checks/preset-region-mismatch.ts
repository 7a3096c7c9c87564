import { Stack, Token } from 'aws-cdk-lib';
import { CheckContext } from './check';
import { annotateError, quote } from '../private/errors';

/**
 * `PresetRegionMismatch` (error): a role holds a `WellKnownPolicy` preset pinned to its stack's region (Karpenter,
 * as upstream: EC2, SSM and EKS ARNs and `aws:RequestedRegion` name `AWS::Region`), and is associated with a cluster
 * in another region: the software's calls in the cluster's region are all denied. Regions that are tokens
 * (environment-agnostic stacks) cannot be compared and are not reported.
 */
export function checkPresetRegionMismatch({ registry }: CheckContext) {
  for (const association of registry.associations) {
    const clusterRegion = association.cluster.env.region;
    if (Token.isUnresolved(clusterRegion)) continue;
    for (const role of [association.role, association.targetRole]) {
      if (!role) continue;
      const roleRegion = Stack.of(role).region;
      if (Token.isUnresolved(roleRegion) || roleRegion === clusterRegion) continue;
      for (const preset of registry.presetsOf(role).filter(p => p.pinnedToRegion)) {
        annotateError(association, 'PresetRegionMismatch',
          `role ${role.node.path} holds WellKnownPolicy ${quote(preset.name)}, whose permissions are pinned to the region of the role's stack (${roleRegion}), but the association is for cluster ${association.cluster.node.path} in ${clusterRegion}: every call the software makes there is denied`,
          `define the role in a stack of the cluster's region (${clusterRegion}), one role per region`);
      }
    }
  }
}
