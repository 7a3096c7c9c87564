// Acknowledging cdk-nag findings with a reason each, the cdk-nag 3 way (construct metadata read by the NagPack).
import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** A cdk-nag rule or finding (`AwsSolutions-IAM4[Policy::...]`) and why it is acceptable here. */
export interface NagAcknowledgement {
  readonly id: string;
  readonly reason: string;
}

/**
 * Acknowledges cdk-nag rules on `scope` and everything under it.
 *
 * Rule ids go through `Validations.of(scope).acknowledge()`. Finding ids such as
 * `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/X]` contain `::`, which aws-cdk-lib 2.257's
 * `acknowledge()` rejects as a prefix separator, so they are recorded in the same metadata entry format directly:
 * cdk-nag 3 reads both from `Validations.ACKNOWLEDGED_RULES_METADATA_KEY` on the resource and its ancestors.
 *
 * Rules that report findings (IAM4, IAM5...) are matched by finding id only: acknowledging `AwsSolutions-IAM5`
 * does not hide `AwsSolutions-IAM5[Resource::*]`, so each finding is acknowledged, and reasoned, on its own.
 */
export function acknowledgeNag(scope: IConstruct, ...acknowledgements: NagAcknowledgement[]): void {
  const findings: Record<string, string> = {};
  for (const { id, reason } of acknowledgements) {
    if (!id.startsWith('AwsSolutions-')) throw new Error(`not a cdk-nag AwsSolutions rule id: ${id}`);
    if (reason.trim().length < 20) throw new Error(`acknowledging ${id} needs a real reason, got "${reason}"`);
    if (id.includes('::')) {
      findings[id] = reason;
    } else {
      Validations.of(scope).acknowledge({ id, reason });
    }
  }
  if (Object.keys(findings).length > 0) {
    scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, findings);
  }
}

/** The cdk-nag finding id of an AWS managed policy attached to a role (rule AwsSolutions-IAM4). */
export function managedPolicyFinding(policyName: string): string {
  return `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policyName}]`;
}
