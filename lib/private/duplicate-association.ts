// What is wrong when two associations bind the same service account: raised by the association that would take the
// logical id of another in its stack (at construct time), and by the app check across stacks (at synthesis).
import { IConstruct } from 'constructs';
import { clusterLabel } from './cluster';
import { RegisteredAssociation } from './registry';

/** What is wrong and the fix, when `association` binds the same service account as `earlier`. */
export function duplicateAssociationProblem(association: RegisteredAssociation, earlier: IConstruct): [string, string] {
  return [
    `service account ${association.namespace}/${association.serviceAccount} on cluster ${clusterLabel(association.cluster)} is associated twice, at ${earlier.node.path} and at ${association.node.path}; EKS allows one role per service account`,
    'keep one association (give its role all the permissions the pods need), or run the second workload under another service account',
  ];
}
