import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CheckContext, forEachRepeat } from './check';
import { clusterKey, clusterLabel } from '../private/cluster';
import { annotateError } from '../private/errors';
import { RegisteredAssociation } from '../private/registry';

/** What is wrong and the fix, when `association` binds the same service account as `earlier`. */
export function duplicateAssociationProblem(association: RegisteredAssociation, earlier: IConstruct): [string, string] {
  return [
    `service account ${association.namespace}/${association.serviceAccount} on cluster ${clusterLabel(association.cluster)} is associated twice, at ${earlier.node.path} and at ${association.node.path}; EKS allows one role per service account`,
    'keep one association (give its role all the permissions the pods need), or run the second workload under another service account',
  ];
}

/** `DuplicateAssociation`: one (cluster, namespace, service account) associated twice anywhere in the app. */
export function checkDuplicateAssociations({ registry }: CheckContext) {
  forEachRepeat(registry.associations,
    a => Token.isUnresolved(a.namespace) || Token.isUnresolved(a.serviceAccount) ? undefined : `${clusterKey(a.cluster)}|${a.namespace}|${a.serviceAccount}`,
    (association, earlier) => annotateError(association, 'DuplicateAssociation', ...duplicateAssociationProblem(association, earlier)));
}
