import { PhysicalName } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ensureChecks } from './checks';
import { DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA, DEFAULT_TRUST_POLICY_LENGTH_QUOTA } from './private/eks-facts';
import { formatProblem, namingConstruct, withConstructPath } from './private/errors';
import { checkManagedPoliciesPerRoleQuota, checkRoleName, checkTrustPolicyLengthQuota } from './private/input';
import { Registry } from './private/registry';
import { checkTrustConditions, StatementsAddedLaterPrincipal, targetTrustStatement } from './private/trust';
import { PodIdentityRoleBaseProps } from './role';

/** Properties of a {@link PodIdentityTargetRole}. */
export interface PodIdentityTargetRoleProps extends PodIdentityRoleBaseProps {
  /**
   * More conditions on every trust statement (ANDed with the generated ones), e.g.
   * `{ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }`.
   *
   * @default - no extra conditions
   */
  readonly trustConditions?: { [operator: string]: any };

  /**
   * The role trust policy length quota of the role's account (characters without whitespace). Synthesis fails
   * when the generated trust policy is estimated to exceed it.
   *
   * @default 2048
   */
  readonly trustPolicyLengthQuota?: number;
}

/**
 * A target IAM role for EKS Pod Identity role chaining, usually in the account that owns the data: pods of the
 * associations that name it as `targetRole` get its credentials. Its trust policy is generated from those
 * associations, in any stack or account of the app, one statement each, after the EKS user guide's templates:
 * the association role's account as principal, narrowed to that role with `aws:PrincipalArn`, and
 * - with session tags: `sts:AssumeRole` + `sts:TagSession` for the association's transitive session tags
 *   (`eks-cluster-arn`, `kubernetes-namespace`, `kubernetes-service-account`);
 * - without: `sts:AssumeRole` with the association's `sts:ExternalId` (no `sts:TagSession`).
 *
 * Nothing in the trust refers to the association resource, so a target role in the association's stack makes no
 * dependency cycle, and one in another account's stack needs no cross-account reference (names are generated).
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-assign-target-role.html
 */
export class PodIdentityTargetRole extends iam.Role {
  /** The trust policy length quota the role's trust policy is checked against. */
  public readonly trustPolicyLengthQuota: number;
  /** The managed-policies-per-role quota the role's managed policies are checked against. */
  public readonly managedPoliciesPerRoleQuota: number;

  constructor(scope: Construct, id: string, props: PodIdentityTargetRoleProps = {}) {
    const { trustConditions, trustPolicyLengthQuota, managedPoliciesPerRoleQuota, ...roleProps } = props;
    withConstructPath(`${scope.node.path}/${id}`, () => {
      checkRoleName(props.roleName);
      checkTrustPolicyLengthQuota(props.trustPolicyLengthQuota);
      checkManagedPoliciesPerRoleQuota(props.managedPoliciesPerRoleQuota);
      checkTrustConditions(`${scope.node.path}/${id}`, trustConditions);
    });
    super(scope, id, {
      ...roleProps,
      roleName: props.roleName ?? PhysicalName.GENERATE_IF_NEEDED,
      assumedBy: new StatementsAddedLaterPrincipal(new iam.AccountRootPrincipal()),
    });
    try {
      this.trustPolicyLengthQuota = trustPolicyLengthQuota ?? DEFAULT_TRUST_POLICY_LENGTH_QUOTA;
      this.managedPoliciesPerRoleQuota = managedPoliciesPerRoleQuota ?? DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA;
      const registry = Registry.of(this);
      registry.addLibraryRole(this);
      registry.addGeneratedTrustTargetRole(this);
      registry.observeAssociations(this, association => {
        if (association.targetRole === this) this.assumeRolePolicy!.addStatements(targetTrustStatement(this.node.path, association, trustConditions));
      });
      this.node.addValidation({
        validate: () => registry.associationsTargeting(this).length > 0 ? [] : [formatProblem('TargetRoleWithoutAssociations',
          `target role ${this.node.path} trusts only the associations that chain into it, and no association in this app has it as targetRole, so nothing could ever assume it`,
          'pass it as targetRole to an association (new PodIdentityAssociation(..., { targetRole }) or role.associate(cluster, { ..., targetRole })), or use an iam.Role with the trust you need')],
      });
      ensureChecks(this);
    } catch (error) {
      throw namingConstruct(this.node.path, error);
    }
  }
}
