import { Token } from 'aws-cdk-lib';
import { CheckContext, forEachRepeat } from './check';
import { clusterKey } from '../private/cluster';
import { duplicateAssociationProblem } from '../private/duplicate-association';
import { annotateError } from '../private/errors';

/** `DuplicateAssociation`: one (cluster, namespace, service account) associated twice anywhere in the app. */
export function checkDuplicateAssociation({ registry }: CheckContext) {
  forEachRepeat(registry.associations,
    a => Token.isUnresolved(a.namespace) || Token.isUnresolved(a.serviceAccount) ? undefined : `${clusterKey(a.cluster)}|${a.namespace}|${a.serviceAccount}`,
    (association, earlier) => annotateError(association, 'DuplicateAssociation', ...duplicateAssociationProblem(association, earlier)));
}
