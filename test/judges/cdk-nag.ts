// Judge: cdk-nag's AwsSolutions rules over a stack. cdk-nag 3 on aws-cdk-lib 2.257 runs through
// `NagPack.validateScope()` (its `Validations` plugin form needs a newer aws-cdk-lib). Acknowledgements recorded
// with `Validations.of(construct).acknowledge()` (or the same metadata, see examples/nag-acknowledgements.ts) on a
// resource or any ancestor are honoured by cdk-nag itself.
import { Stack, Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One unacknowledged finding: the rule (with its finding, e.g. `AwsSolutions-IAM5[Action::s3:*]`) and where. */
export interface NagFinding {
  readonly rule: string;
  readonly path: string;
  readonly description: string;
}

/**
 * Runs the AwsSolutions checks on `scope` (a stack or any construct) after the app is prepared (so resources
 * added late by aspects are checked too) and returns the unacknowledged errors.
 */
export function awsSolutionsErrors(scope: IConstruct): NagFinding[] {
  return awsSolutionsFindings(scope).filter(finding => finding.severity === 'error');
}

/** Every unacknowledged AwsSolutions finding (errors and warnings), with its severity. */
export function awsSolutionsFindings(scope: IConstruct): Array<NagFinding & { severity: string }> {
  // Synthesis runs aspects and lazy producers; nag then walks the finished construct tree.
  Stage.of(Stack.of(scope))?.synth({ force: true, validateOnSynthesis: false });
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap(violation => violation.violatingResources.map(resource => ({
    rule: violation.ruleName,
    path: resource.constructPath ?? '?',
    description: violation.description,
    severity: violation.severity ?? 'error',
  })));
}

/** Findings as `rule at path` lines, for readable assertion failures. */
export function formatFindings(findings: NagFinding[]): string[] {
  return findings.map(finding => `${finding.rule} at ${finding.path}: ${finding.description}`);
}
