// Reading the values of IAM policy documents, for the checks and the report alike: a field that may be one item or a
// list, the STS actions a statement allows, and IAM's StringLike patterns.

/** A statement of a trust policy, as the checks read it (see `AppFacts.trustStatementsOf`). */
export interface TrustStatement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Principal?: any;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** An IAM policy value that may be one item or a list, as a list (none when absent). */
export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Whether the actions of a statement (one or a list) allow the STS action `action`: by name, `sts:*` or `*`. */
export function allowsStsAction(actions: string | string[] | undefined, action: string): boolean {
  return asList(actions).some(a => a === action || a === 'sts:*' || a === '*');
}

/** IAM's StringLike: `*` any run of characters, `?` one character. */
export function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('')}$`);
  return regex.test(value);
}
