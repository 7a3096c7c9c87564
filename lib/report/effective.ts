// What a role's policies allow once explicit Denies and the permissions boundary are applied: IAM's wildcard
// patterns (`*`, `?`) compared as sets, conservatively. Where two patterns may overlap but neither contains the
// other, the allowed side is kept (the report may over-state access, never under-state it).
import { Json, isObject, mayNotApply } from './template';
import { asList } from '../private/policy-values';

/** A statement of a policy with where it comes from. */
export interface SourcedStatement {
  readonly from: string;
  readonly statement: Json;
}

/** A field that may be one value or a list, as a list of strings. */
export function listOf(value: Json): string[] {
  return asList<Json>(value ?? undefined).map(item => (typeof item === 'string' ? item : JSON.stringify(item)));
}

const regexCache = new Map<string, RegExp>();

/**
 * Whether every string `inner` (an IAM pattern) matches is matched by the pattern `outer`: `outer` read as a glob
 * (`*` any run of characters, `?` one character that is not a `*` of `inner`) applied to `inner` taken literally.
 */
export function covers(outer: string, inner: string, ignoreCase: boolean): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${outer}`;
  let regex = regexCache.get(key);
  if (!regex) {
    const source = outer.split('').map(c => (c === '*' ? '.*' : c === '?' ? '[^*]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
    regex = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    regexCache.set(key, regex);
  }
  return regex.test(inner);
}

/** The literal text before the first and after the last wildcard (a `${...}` placeholder counts as one). */
function literalEnds(pattern: string): [string, string] | undefined {
  const wildcard = /[*?]|\$\{[^}]*\}/g;
  const matches = [...pattern.matchAll(wildcard)];
  if (matches.length === 0) return undefined;
  const last = matches[matches.length - 1];
  return [pattern.slice(0, matches[0].index), pattern.slice(last.index! + last[0].length)];
}

/** Whether two patterns with wildcards may match a common string: their literal prefixes and suffixes agree. */
function mayOverlap(a: string, b: string, ignoreCase: boolean): boolean {
  const [ea, eb] = [literalEnds(a), literalEnds(b)];
  if (!ea || !eb) return false;
  // Upper case, as the `i` flag of `covers` compares characters: lower case would tell µ from μ and ς from σ, and
  // turns a final Σ into ς, so patterns that share an action would be called disjoint (access under-stated).
  const fold = (text: string) => (ignoreCase ? text.toUpperCase() : text);
  const [pa, sa, pb, sb] = [...ea, ...eb].map(fold);
  return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}

/** The intersection of two patterns, when one contains the other; the first when they may overlap; undefined when disjoint. */
function intersect(allowed: string, limit: string, ignoreCase: boolean): string | undefined {
  if (covers(limit, allowed, ignoreCase)) return allowed;
  if (covers(allowed, limit, ignoreCase)) return limit;
  if (mayOverlap(allowed, limit, ignoreCase)) return allowed;
  return undefined;
}

/** A Deny that cancels for sure: unconditional (no Condition, not from an `Fn::If`), with Action and Resource lists. */
function isCertainDeny(statement: Json): boolean {
  return statement.Effect === 'Deny' && statement.Condition === undefined && !mayNotApply(statement)
    && statement.Action !== undefined && statement.NotAction === undefined
    && statement.Resource !== undefined && statement.NotResource === undefined;
}

/** What the Allow `statement` allows that no certain Deny cancels (undefined when nothing is left). */
function minusDenies(statement: Json, denies: Json[]): Json | undefined {
  const resources = statement.NotResource !== undefined ? ['*'] : listOf(statement.Resource);
  const denying = denies.filter(deny => resources.every(resource => listOf(deny.Resource).some(pattern => covers(pattern, resource, false))));
  const denied = (action: string) => denying.some(deny => listOf(deny.Action).some(pattern => covers(pattern, action, true)));
  if (statement.NotAction !== undefined) return denied('*') ? undefined : statement;
  const actions = listOf(statement.Action).filter(action => !denied(action));
  if (actions.length === 0) return undefined;
  return { ...statement, Action: actions };
}

/** The part of `statement` the boundary statement `limit` (an Allow) lets through (undefined when none). */
function within(statement: Json, limit: Json): Json | undefined {
  // Resources.
  let resourceField: Json;
  if (statement.NotResource !== undefined || limit.NotResource !== undefined) {
    resourceField = statement.NotResource !== undefined ? { NotResource: statement.NotResource } : { Resource: statement.Resource };
    if (statement.NotResource !== undefined && limit.Resource !== undefined && !listOf(limit.Resource).includes('*')) resourceField = { Resource: limit.Resource };
  } else {
    const resources = listOf(statement.Resource).flatMap(resource => listOf(limit.Resource)
      .map(pattern => intersect(resource, pattern, false)).filter((r): r is string => r !== undefined));
    if (resources.length === 0) return undefined;
    resourceField = { Resource: [...new Set(resources)] };
  }
  // Actions.
  let actionField: Json;
  if (statement.NotAction !== undefined && limit.NotAction !== undefined) {
    actionField = { NotAction: [...new Set([...listOf(statement.NotAction), ...listOf(limit.NotAction)])] };
  } else if (statement.NotAction !== undefined) {
    const excluded = listOf(statement.NotAction);
    const actions = listOf(limit.Action).filter(action => !excluded.some(pattern => covers(pattern, action, true)));
    if (actions.length === 0) return undefined;
    actionField = { Action: actions };
  } else if (limit.NotAction !== undefined) {
    const excluded = listOf(limit.NotAction);
    const actions = listOf(statement.Action).filter(action => !excluded.some(pattern => covers(pattern, action, true)));
    if (actions.length === 0) return undefined;
    actionField = { Action: actions };
  } else {
    const actions = listOf(statement.Action).flatMap(action => listOf(limit.Action)
      .map(pattern => intersect(action, pattern, true)).filter((a): a is string => a !== undefined));
    if (actions.length === 0) return undefined;
    actionField = { Action: [...new Set(actions)] };
  }
  const { Action: _a, NotAction: _na, Resource: _r, NotResource: _nr, ...rest } = statement;
  return { ...rest, ...actionField, ...resourceField };
}

/**
 * The effective statements of each Allow of `allows`: minus the certain Denies among `statements`, within the boundary's
 * Allow statements when `boundary` is given (undefined: no boundary, or one that cannot be read).
 */
export function effectiveStatements(allows: SourcedStatement[], statements: Json[], boundary: Json[] | undefined): Map<SourcedStatement, Json[]> {
  const certain = statements.filter(isCertainDeny);
  const result = new Map<SourcedStatement, Json[]>();
  for (const allow of allows) {
    const limited = boundary === undefined ? [allow.statement]
      : boundary.filter(limit => isObject(limit) && limit.Effect === 'Allow').map(limit => within(allow.statement, limit)).filter(s => s !== undefined);
    const kept = limited.map(statement => minusDenies(statement, certain)).filter(s => s !== undefined);
    const unique = new Map(kept.map(statement => [JSON.stringify(statement), statement]));
    result.set(allow, [...unique.values()]);
  }
  return result;
}
