// The adversarial tables: each row is one input (an app, or a call) and the exact outcome it must have. A row
// expects exactly one of: a thrown error with an id, an error annotation with an id, a warning annotation with an
// id, or a template fact (and then no error of this library at all). A raw TypeError is never an outcome.
import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';

/** What one row must produce. */
export type Outcome =
  | { readonly throws: string }
  | { readonly error: string }
  | { readonly warning: string }
  | { readonly correct: (assembly: CloudAssembly, app: App) => void };

export interface AdversarialRow {
  /** What the row tries, as a reviewer would say it. */
  readonly name: string;
  /** Builds the app (may throw: that is the `throws` outcome). Synthesized by the harness unless it throws. */
  readonly build: () => App;
  readonly expect: Outcome;
}

export interface LibraryMessage {
  readonly level: 'error' | 'warning' | 'info';
  readonly id: string;
  readonly path: string;
  readonly text: string;
}

const ID = /^\[cdk-eks-pod-identity:(\w+)\]/;
const ANY_ID = /\[cdk-eks-pod-identity:(\w+)\]/;

/** The library's messages (errors, warnings) of every stack of an assembly, with their ids. */
export function libraryMessagesOf(assembly: CloudAssembly): LibraryMessage[] {
  return assembly.stacksRecursively.flatMap(stack => stack.messages.flatMap(m => {
    const text = String(m.entry.data);
    const match = ID.exec(text);
    return match ? [{ level: m.level as LibraryMessage['level'], id: match[1], path: m.id, text }] : [];
  }));
}

/**
 * The id of a library error, or a description of an error that is not one (the test then fails on it). A library
 * error thrown at synthesis reaches the app wrapped by CDK ("Validation failed with the following errors: ..."):
 * its id is then the first one in the message.
 */
function idOfThrown(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const match = ID.exec(text) ?? (error instanceof TypeError ? null : ANY_ID.exec(text));
  if (match) return match[1];
  return `not a library error: ${error instanceof Error ? `${error.name}: ${error.message}` : text}`;
}

/** Runs a row: builds and synthesizes, then returns what happened in the shape of an `Outcome` for comparison. */
export function outcomeOf(row: AdversarialRow): { thrown?: string; messages?: LibraryMessage[]; assembly?: CloudAssembly; app?: App } {
  let app: App;
  let assembly: CloudAssembly;
  try {
    app = row.build();
    assembly = app.synth();
  } catch (error) {
    return { thrown: idOfThrown(error) };
  }
  return { messages: libraryMessagesOf(assembly), assembly, app };
}

/** Declares one jest test per row. */
export function adversarialTable(rows: AdversarialRow[]): void {
  test.each(rows.map(row => [row.name, row] as const))('%s', (_name, row) => {
    const result = outcomeOf(row);
    const expected = row.expect;
    if ('throws' in expected) {
      expect(result.thrown).toBe(expected.throws);
      return;
    }
    expect(result.thrown).toBeUndefined();
    const messages = result.messages!;
    const errors = messages.filter(m => m.level === 'error').map(m => m.id);
    const warnings = messages.filter(m => m.level === 'warning').map(m => m.id);
    if ('error' in expected) {
      expect(errors).toContain(expected.error);
    } else if ('warning' in expected) {
      expect(errors).toEqual([]);
      expect(warnings).toContain(expected.warning);
    } else {
      expect(errors).toEqual([]);
      expected.correct(result.assembly!, result.app!);
    }
  });
}
