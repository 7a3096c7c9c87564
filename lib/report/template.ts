// The templates of a cloud assembly as the report reads them (a stack, or a nested stack with its parent), and the
// JSON helpers every reader of them shares.
export type Json = any;

/** One template of the assembly: a stack, or a nested stack with its parent. */
export interface Template {
  /** Artifact id (display name for stages), `Parent/NestedStackLogicalId` for nested stacks. */
  readonly name: string;
  /** The template file (as given: the assembly directory joined with the file name). */
  readonly file: string;
  /** The account of the stack (of the parent, for a nested stack); undefined when environment-agnostic. */
  readonly account?: string;
  /** The cloud assembly directory (a stage's own) the template belongs to. */
  readonly assemblyDirectory: string;
  readonly resources: Record<string, Json>;
  readonly outputs: Record<string, Json>;
  readonly parent?: Template;
  /** A nested stack's parameters: their values in the parent template. */
  readonly parameterValues: Record<string, Json>;
  /** A nested stack's resources by logical id, in the parent: the nested templates. */
  readonly nested: Record<string, Template>;
  /** Construct paths by logical id, from the manifest's `aws:cdk:logicalId` metadata (top-level stacks only). */
  readonly paths: Record<string, string>;
}

/**
 * The construct path of a resource (`Stack/Role`, without the trailing `/Resource` of an L2's resource): its
 * `aws:cdk:path` metadata, or the manifest's; undefined when neither says.
 */
export function constructPathOf(template: Template, logicalId: string): string | undefined {
  const fromMetadata = template.resources[logicalId]?.Metadata?.['aws:cdk:path'];
  const found = typeof fromMetadata === 'string' ? fromMetadata : template.paths[logicalId];
  return found?.replace(/^\//, '').replace(/\/Resource$/, '');
}

/** A resource located through intrinsics: the template that defines it and its logical id. */
export interface Located {
  readonly template: Template;
  readonly logicalId: string;
  readonly attribute?: string;
}

export function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Entries sorted by key: logical ids, so the output does not depend on template key order. */
export function sortedEntries<T>(record: Record<string, T>): Array<[string, T]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Statements read from one branch of an `Fn::If`: CloudFormation may take the other branch. */
const MAY_NOT_APPLY = new WeakSet<object>();

export function markMayNotApply(statement: Record<string, Json>): void {
  MAY_NOT_APPLY.add(statement);
}

/** Whether a policy statement may not apply as read (from one branch of an `Fn::If`): a Deny not to count on. */
export function mayNotApply(statement: Json): boolean {
  return isObject(statement) && MAY_NOT_APPLY.has(statement);
}
