// How every check in this library reports: a stable id, what is wrong with which value, and the fix.
import { Annotations, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

const PROBLEM_ID = Symbol.for('cdk-eks-pod-identity.ProblemId');

/**
 * The error thrown for a bad input. Internal (jsii cannot export subclasses of `Error`): users recognise it with
 * the public `PodIdentityErrors.problemIdOf(error)`, which also works across two copies of this library.
 */
export class PodIdentityError extends Error {
  constructor(public readonly problemId: string, message: string) {
    super(message);
    this.name = 'PodIdentityError';
    Object.defineProperty(this, PROBLEM_ID, { value: problemId, enumerable: false });
  }
}

/** The problem id carried by an error of this library, if `error` is one. */
export function problemIdOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as any)[PROBLEM_ID] : undefined;
}

/**
 * Formats a message that names the problem, the offending value and the fix, behind a stable id:
 * `[cdk-eks-pod-identity:Id] what is wrong: value. Fix: what to do.`
 */
export function formatProblem(id: string, what: string, fix: string): string {
  return `[cdk-eks-pod-identity:${id}] ${what}. Fix: ${fix}`;
}

/** An error for a bad prop value, thrown at construct time. */
export function problem(id: string, what: string, fix: string): PodIdentityError {
  return new PodIdentityError(id, formatProblem(id, what, fix));
}

/** Reports a problem that spans constructs as a CDK annotation error (synth fails, all errors listed). */
export function annotateError(scope: IConstruct, id: string, what: string, fix: string): void {
  if (inReportingStage(scope)) Annotations.of(scope).addError(formatProblem(id, what, fix));
}

/** Reports a risky but possibly working setup as a CDK annotation warning (acknowledgeable by its id). */
export function annotateWarning(scope: IConstruct, id: string, what: string, fix: string): void {
  if (inReportingStage(scope)) Annotations.of(scope).addWarningV2(`cdk-eks-pod-identity:${id}`, formatProblem(id, what, fix));
}

/** The stage whose constructs the app checks report on while they run (undefined: every construct). */
let reportingStage: IConstruct | undefined;

/**
 * Runs `report` (the app checks, which look at the whole app) annotating only the constructs of `stage`: a nested
 * stage writes its assembly when it is synthesized, so each stage's validation reports on its own constructs.
 */
export function reportingOnlyWithin(stage: IConstruct, report: () => void): void {
  const previous = reportingStage;
  reportingStage = stage;
  try {
    report();
  } finally {
    reportingStage = previous;
  }
}

function inReportingStage(scope: IConstruct): boolean {
  return reportingStage === undefined || (Stage.of(scope) ?? scope.node.root) === reportingStage;
}

/** Quotes a value for a message; tokens and objects are rendered as JSON so nothing prints as `[object Object]`. */
export function quote(value: unknown): string {
  // Values from JavaScript callers may be anything: a message must never fail to be written.
  try {
    return JSON.stringify(value) ?? (typeof value === 'function' ? 'a function' : String(value)); // undefined, a symbol
  } catch {
    try {
      return String(value); // a circular object, a BigInt
    } catch {
      return Object.prototype.toString.call(value); // an object without a prototype
    }
  }
}

/** What a value is, for a message about a value of the wrong type (`a string`, `null`, `an array`). */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * `error`, when it is a problem of this library, naming the construct it was raised for (`[Id] Stack/Carts: what is
 * wrong...`), so that one of many constructs (a fleet of thousands) is found by its path. A message that already
 * names the construct or one of its children (raised by an inner construct) is left as it is.
 */
export function namingConstruct(path: string, error: unknown): unknown {
  const id = problemIdOf(error);
  if (id === undefined || !(error instanceof Error)) return error;
  const prefix = `[cdk-eks-pod-identity:${id}] `;
  if (!error.message.startsWith(prefix) || error.message.includes(`${path}:`) || error.message.includes(`${path}/`)) return error;
  const message = `${prefix}${path}: ${error.message.slice(prefix.length)}`;
  if (error.stack) error.stack = error.stack.replace(error.message, message);
  error.message = message;
  return error;
}

/** Runs `build` (code of the construct at `path`), naming the construct in the problems it raises. */
export function withConstructPath<T>(path: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw namingConstruct(path, error);
  }
}
