// Which Fargate profiles of the app select the pods of which associations (EKS Pod Identity does not work on Fargate
// pods): read by the Fargate checks.
import { Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { clusterKey, clusterNameOf, isFargateCluster, literalClusterNameOf } from './cluster';
import { FargateSelector } from './fargate-selectors';
import { RegisteredAssociation, RegisteredWorkload, Registry } from './registry';

/** What the Fargate selection reads of the app (the checks' facts). */
export interface FargateFacts {
  readonly fargateSelectors: FargateSelector[];
  readonly newClustersByName: Map<string, eks.IClusterRef>;
  deploymentOf(workload: RegisteredWorkload): Record<string, any>;
}

/** A Fargate profile selector that selects an association's namespace. */
export interface FargateSelection {
  readonly association: RegisteredAssociation;
  readonly selector: FargateSelector;
  /** The selector's labels. */
  readonly labels: Array<[string, string]>;
  /** Whether it selects the association's pods: it has no labels, or the workload's pods carry them. */
  readonly selectsPods: boolean;
}

/**
 * The selectors of Fargate profiles that select the namespace of an association (on a cluster that is not a
 * `FargateCluster`, whose every pod runs on Fargate); associations with a namespace unknown at synth are skipped.
 */
export function fargateSelections(registry: Registry, facts: FargateFacts): FargateSelection[] {
  const podLabelsByAssociation = new Map<RegisteredAssociation, Record<string, string>>();
  for (const workload of registry.workloads) {
    podLabelsByAssociation.set(workload.association, facts.deploymentOf(workload).spec.template.metadata?.labels ?? {});
  }
  const selections: FargateSelection[] = [];
  for (const association of registry.associations) {
    const cluster = association.cluster;
    if (isFargateCluster(cluster)) continue;
    if (Token.isUnresolved(association.namespace)) continue;
    for (const selector of facts.fargateSelectors) {
      if (!selectsCluster(selector, cluster, facts.newClustersByName) || !matchesWildcard(selector.namespace, association.namespace)) continue;
      const labels = Object.entries(selector.labels ?? {});
      const podLabels = podLabelsByAssociation.get(association);
      const selectsPods = labels.length === 0 || (podLabels !== undefined && selectsPodsLabelled(labels, podLabels));
      selections.push({ association, selector, labels, selectsPods });
    }
  }
  return selections;
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
