import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import { CheckContext, forEachRepeat } from './check';
import { clusterKey, clusterLabel } from '../private/cluster';
import { annotateError, quote } from '../private/errors';

/**
 * `DuplicateDeployment`: two workloads define one Deployment (cluster, namespace, name), in one stack or two, with
 * kubectl or GitOps delivery. Two GitOps workloads of one folder are left to `GitOpsFileConflict` (one file).
 */
export function checkDuplicateDeployment({ registry }: CheckContext) {
  forEachRepeat(registry.workloads,
    w => Token.isUnresolved(w.association.namespace) || Token.isUnresolved(w._deploymentName) ? undefined
      : `${clusterKey(w.association.cluster)}|${w.association.namespace}|${w._deploymentName}`,
    (workload, earlier) => {
      const folder = workload._gitOpsFolder;
      if (folder !== undefined && earlier._gitOpsFolder !== undefined && path.resolve(folder) === path.resolve(earlier._gitOpsFolder)) return;
      annotateError(workload, 'DuplicateDeployment',
        `Deployment ${quote(workload._deploymentName)} in namespace ${quote(workload.association.namespace)} on cluster ${clusterLabel(workload.association.cluster)} is defined by ${earlier.node.path} and again by ${workload.node.path}; at deploy the second fails (AlreadyExists) or replaces the first, whose pods then run as the other workload's service account`,
        'give each workload its own deploymentName');
    });
}
