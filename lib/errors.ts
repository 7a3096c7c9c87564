import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Formats a message that names the problem, the offending value and the fix, behind a stable id.
 *
 * Every check in this library reports through here so that ids stay greppable and the wording uniform:
 * `[cdk-eks-pod-identity:Id] what is wrong: value. Fix: what to do.`
 */
export function formatProblem(id: string, what: string, fix: string): string {
  return `[cdk-eks-pod-identity:${id}] ${what}. Fix: ${fix}`;
}

/** An error thrown at synth time for a bad prop value. */
export function problem(id: string, what: string, fix: string): Error {
  return new Error(formatProblem(id, what, fix));
}

/** Reports a problem that spans constructs as a CDK annotation error (synth fails, all errors listed). */
export function annotateError(scope: IConstruct, id: string, what: string, fix: string): void {
  Annotations.of(scope).addError(formatProblem(id, what, fix));
}

/** Reports a risky but possibly working setup as a CDK annotation warning (acknowledgeable by its id). */
export function annotateWarning(scope: IConstruct, id: string, what: string, fix: string): void {
  Annotations.of(scope).addWarningV2(`cdk-eks-pod-identity:${id}`, formatProblem(id, what, fix));
}

/** Quotes a value for a message; tokens and objects are rendered as JSON so nothing prints as `[object Object]`. */
export function quote(value: unknown): string {
  return JSON.stringify(value);
}
