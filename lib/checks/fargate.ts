import { Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { CheckContext } from './check';
import { clusterKey, clusterLabel, clusterNameOf, isFargateCluster, literalClusterNameOf } from '../private/cluster';
import { annotateError, annotateWarning, quote } from '../private/errors';
import { FargateSelector } from '../private/fargate-selectors';
import { RegisteredAssociation } from '../private/registry';

/** `FargateUnsupported` / `FargateProfileSelectsNamespace`: Pod Identity does not work on Fargate pods. */
export function checkFargate({ registry, facts }: CheckContext) {
  const podLabelsByAssociation = new Map<RegisteredAssociation, Record<string, string>>();
  for (const workload of registry.workloads) {
    podLabelsByAssociation.set(workload.association, facts.deploymentOf(workload).spec.template.metadata?.labels ?? {});
  }
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
      if (!selectsCluster(selector, cluster, facts.newClustersByName) || !matchesWildcard(selector.namespace, association.namespace)) continue;
      const labels = Object.entries(selector.labels ?? {});
      const podLabels = podLabelsByAssociation.get(association);
      if (labels.length === 0 || (podLabels && selectsPodsLabelled(labels, podLabels))) {
        annotateError(association, 'FargateUnsupported',
          `the Fargate profile ${selector.profile} of cluster ${clusterLabel(cluster)} selects ${describeSelection(selector, labels)} in namespace ${quote(association.namespace)}, and EKS Pod Identity does not work on Fargate pods`,
          'run the workload in a namespace no Fargate profile selects, narrow the profile with labels, or use IRSA for Fargate pods');
      } else {
        annotateWarning(association, 'FargateProfileSelectsNamespace',
          `the Fargate profile ${selector.profile} selects pods labelled ${quote(Object.fromEntries(labels))} in namespace ${quote(association.namespace)}${selector.namespace === association.namespace ? '' : ` (selector namespace ${quote(selector.namespace)})`}; such pods get no Pod Identity credentials`,
          'make sure the workload\'s pods do not carry those labels');
      }
    }
  }
}

/**
 * Whether a selector's profile is on the cluster: the same name (token or literal), or one cluster under two
 * references (a new cluster with a literal clusterName and an import of that name).
 */
function selectsCluster(selector: FargateSelector, cluster: eks.IClusterRef, newClustersByName: Map<string, eks.IClusterRef>): boolean {
  if (selector.clusterName === clusterNameOf(cluster)) return true;
  const profileCluster = newClustersByName.get(selector.clusterName);
  if (profileCluster) return clusterKey(profileCluster) === clusterKey(cluster);
  return typeof selector.clusterName === 'string' && !Token.isUnresolved(selector.clusterName) && selector.clusterName === literalClusterNameOf(cluster);
}

function describeSelection(selector: FargateSelector, labels: Array<[string, string]>): string {
  const pods = labels.length === 0 ? 'every pod' : `the workload's pods (labels ${quote(Object.fromEntries(labels))})`;
  return selector.namespace.includes('*') || selector.namespace.includes('?') ? `${pods} (selector namespace ${quote(selector.namespace)})` : pods;
}

/** Whether every label of the selector matches a label of the pods, keys and values with EKS' wildcards. */
function selectsPodsLabelled(labels: Array<[string, string]>, podLabels: Record<string, string>): boolean {
  const pod = Object.entries(podLabels);
  return labels.every(([key, value]) => pod.some(([podKey, podValue]) => matchesWildcard(key, podKey) && matchesWildcard(value, podValue)));
}

/**
 * Whether a Fargate selector's namespace, label key or label value matches a name: EKS allows `*` (any characters,
 * none included) and `?` (exactly one character) anywhere in them.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/fargate-profile.html#fargate-profile-wildcards
 */
export function matchesWildcard(pattern: string, name: string): boolean {
  if (typeof pattern !== 'string' || Token.isUnresolved(pattern)) return false;
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === name;
  const source = pattern.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('');
  return new RegExp(`^${source}$`, 's').test(name);
}
