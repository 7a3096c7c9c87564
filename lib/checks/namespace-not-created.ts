import { Token } from 'aws-cdk-lib';
import { CheckContext } from './check';
import { clusterKey } from '../private/cluster';
import { annotateWarning, quote } from '../private/errors';

/** `NamespaceNotCreated`: the association's namespace is neither created by the app nor built in. */
export function checkNamespaceNotCreated({ registry, facts }: CheckContext) {
  for (const association of registry.associations) {
    const namespace = association.namespace;
    // An add-on's associations live in the namespace the add-on itself creates.
    if (association.ownerAddonName !== undefined) continue;
    if (Token.isUnresolved(namespace) || facts.namespacesCreated.has(namespace)
      || facts.namespacesCreatedOnCluster.has(`${clusterKey(association.cluster)}|${namespace}`)) continue;
    annotateWarning(association, 'NamespaceNotCreated',
      `namespace ${quote(namespace)} is neither created by this app nor a Kubernetes built-in; pods of the association cannot start until it exists`,
      'create it (a PodIdentityBoundWorkload with createNamespace: true, or cluster.addManifest), or, if it exists already, acknowledge with Annotations.of(scope).acknowledgeWarning(\'cdk-eks-pod-identity:NamespaceNotCreated\')');
  }
}
