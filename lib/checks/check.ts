import * as iam from 'aws-cdk-lib/aws-iam';
import { AppFacts } from './app-facts';
import { RegisteredAssociation, Registry } from '../private/registry';

/** What every app-wide check reads: the registry of what this library created, and facts of one walk of the app. */
export interface CheckContext {
  readonly registry: Registry;
  readonly facts: AppFacts;
}

/** One cross-construct check: reads the context, reports with CDK annotations. */
export type AppCheck = (context: CheckContext) => void;

/** One check of an association being made (its props are set): throws a problem. */
export type NewAssociationCheck = (association: RegisteredAssociation) => void;

/** What the role-chaining checks read when an association that chains into a target role is made. */
export interface RoleChaining {
  /** The association (being made). */
  readonly association: RegisteredAssociation;
  /** The association role, which chains into the target role. */
  readonly role: iam.IRole;
  /** The target role. */
  readonly targetRole: iam.IRole;
  /** The actions the association role was to be allowed on the target role. */
  readonly actions: string[];
  /** Whether aws-cdk-lib reported the statement allowing them as added to the association role's policies. */
  readonly granted: boolean;
}

/** One role-chaining check: run when the association is made; throws a problem or reports with an annotation. */
export type RoleChainingCheck = (chaining: RoleChaining) => void;

/** Calls `report(item, earlier)` for every item whose key an earlier item already had; undefined keys are skipped. */
export function forEachRepeat<T>(items: T[], keyOf: (item: T) => string | undefined, report: (item: T, earlier: T) => void) {
  const first = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, item);
    else report(item, earlier);
  }
}
