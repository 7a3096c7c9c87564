import { Token } from 'aws-cdk-lib';
import { CheckContext, forEachRepeat } from './check';
import { clusterKey, clusterLabel } from '../private/cluster';
import { annotateError, quote } from '../private/errors';

/** `NamespaceCreatedTwice`: two workloads create one namespace. */
export function checkNamespaceCreatedTwice({ registry }: CheckContext) {
  forEachRepeat(registry.workloads,
    w => !w._createsNamespace || Token.isUnresolved(w.association.namespace) ? undefined : `${clusterKey(w.association.cluster)}|${w.association.namespace}`,
    (workload, earlier) => annotateError(workload, 'NamespaceCreatedTwice',
      `namespace ${quote(workload.association.namespace)} on cluster ${clusterLabel(workload.association.cluster)} is created by ${earlier.node.path} and again by ${workload.node.path}; the second creation fails the deployment, and deleting either workload would delete the namespace with the other's pods`,
      'set createNamespace: false on every workload of that namespace but one'));
}
