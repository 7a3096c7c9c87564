import { CheckContext } from './check';
import { annotateError } from '../private/errors';

/**
 * `SessionTagConditionsWithoutSessionTags`: the association's role (defined in the app) trusts pods only with
 * session-tag conditions, and the association sends no session tags.
 */
export function checkSessionTagConditionsWithoutSessionTags({ registry, facts }: CheckContext) {
  for (const association of registry.associations) {
    if (!association.disableSessionTags) continue;
    const statements = facts.trustStatementsOf(association.role);
    if (!statements) continue;
    const tagConditions = statements.flatMap(statement => Object.values(statement.Condition ?? {}).flatMap(Object.keys))
      .filter(key => key.startsWith('aws:RequestTag/') || key === 'aws:TagKeys');
    if (tagConditions.length > 0) {
      annotateError(association, 'SessionTagConditionsWithoutSessionTags',
        `role ${association.role.node.path} trusts pods only with session-tag conditions (${tagConditions.join(', ')}) but the association at ${association.node.path} sets disableSessionTags: true, so no tags are sent and the role can never be assumed`,
        'remove those trust conditions, or keep session tags on (disableSessionTags: false)');
    }
  }
}
