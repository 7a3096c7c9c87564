import { AppFacts } from './app-facts';
import { Registry } from '../private/registry';

/** What every app-wide check reads: the registry of what this library created, and facts of one walk of the app. */
export interface CheckContext {
  readonly registry: Registry;
  readonly facts: AppFacts;
}

/** One cross-construct check: reads the context, reports with CDK annotations. */
export type AppCheck = (context: CheckContext) => void;

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

/** An IAM policy value that may be one item or a list, as a list (none when absent). */
export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
