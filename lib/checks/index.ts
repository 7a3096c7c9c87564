// The cross-construct checks, run once per app at synthesis from the registry (a validation of the app root), and
// the per-stack CloudFormation limits. Like cdk-nag's rules: one check a file, named after the id it reports, one
// table.
import { Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { checkAgentAddonOnImportedCluster } from './agent-addon-on-imported-cluster';
import { AppFacts } from './app-facts';
import { AppCheck, NewAssociationCheck, RoleChaining, RoleChainingCheck } from './check';
import { checkCredentialEnvOverridesPodIdentity } from './credential-env-overrides-pod-identity';
import { checkCrossAccountRole } from './cross-account-role';
import { checkDuplicateAddon } from './duplicate-addon';
import { checkDuplicateAgentAddon } from './duplicate-agent-addon';
import { checkDuplicateAssociation } from './duplicate-association';
import { checkDuplicateDeployment } from './duplicate-deployment';
import { checkFargateProfileSelectsNamespace } from './fargate-profile-selects-namespace';
import { checkFargateUnsupported } from './fargate-unsupported';
import { checkIrsaAnnotationPresent } from './irsa-annotation-present';
import { checkIrsaMigrationWithRoleChaining } from './irsa-migration-with-role-chaining';
import { checkIrsaTrustMissing } from './irsa-trust-missing';
import { checkIrsaTrustNotVerifiable } from './irsa-trust-not-verifiable';
import { checkKubernetesVersionTooOld } from './kubernetes-version-too-old';
import { checkNamespaceCreatedTwice } from './namespace-created-twice';
import { checkNamespaceNotCreated } from './namespace-not-created';
import { checkNoLinuxCapacity } from './no-linux-capacity';
import { checkPresetRegionMismatch } from './preset-region-mismatch';
import { checkPrincipalTagsWithoutSessionTags } from './principal-tags-without-session-tags';
import { checkRoleNotTrustedByPodIdentity } from './role-not-trusted-by-pod-identity';
import { checkScopedRoleAcrossStacks } from './scoped-role-across-stacks';
import { checkServiceAccountMismatch } from './service-account-mismatch';
import { checkSessionTagConditionsWithoutSessionTags } from './session-tag-conditions-without-session-tags';
import { ensureStackLimits } from './stack-limits';
import { checkTargetRoleAcrossStacks } from './target-role-across-stacks';
import { checkTargetRoleNotGranted } from './target-role-not-granted';
import { checkTargetRoleTrustExternalIdMismatch } from './target-role-trust-external-id-mismatch';
import { checkTargetRoleTrustMissingAssociationRole } from './target-role-trust-missing-association-role';
import { checkTargetRoleTrustMissingExternalId } from './target-role-trust-missing-external-id';
import { checkTargetRoleTrustMissingTagSession } from './target-role-trust-missing-tag-session';
import { checkTargetRoleTrustNotResolvable } from './target-role-trust-not-resolvable';
import { checkTooManyAssociations } from './too-many-associations';
import { checkTooManyManagedPolicies } from './too-many-managed-policies';
import { checkTrustPolicyTooLong } from './trust-policy-too-long';
import { checkUnscopedWorkloadRole } from './unscoped-workload-role';
import { checkUnsupportedRegion } from './unsupported-region';
import { stateOf } from '../private/app-store';
import { reportingOnlyWithin } from '../private/errors';
import { RegisteredAssociation, Registry } from '../private/registry';

/** Every app-wide check, in the order they report. */
export const APP_CHECKS: AppCheck[] = [
  checkDuplicateAssociation,
  checkDuplicateAgentAddon,
  checkAgentAddonOnImportedCluster,
  checkDuplicateAddon,
  checkTooManyAssociations,
  checkNamespaceCreatedTwice,
  checkDuplicateDeployment,
  checkUnsupportedRegion,
  checkKubernetesVersionTooOld,
  checkFargateUnsupported,
  checkFargateProfileSelectsNamespace,
  checkRoleNotTrustedByPodIdentity,
  checkSessionTagConditionsWithoutSessionTags,
  checkCrossAccountRole,
  checkNamespaceNotCreated,
  checkCredentialEnvOverridesPodIdentity,
  checkIrsaAnnotationPresent,
  checkIrsaMigrationWithRoleChaining,
  checkIrsaTrustNotVerifiable,
  checkIrsaTrustMissing,
  checkPrincipalTagsWithoutSessionTags,
  checkPresetRegionMismatch,
  checkServiceAccountMismatch,
  checkNoLinuxCapacity,
  checkTrustPolicyTooLong,
  checkTooManyManagedPolicies,
  checkTargetRoleTrustMissingAssociationRole,
  checkTargetRoleTrustExternalIdMismatch,
  checkTargetRoleTrustMissingTagSession,
  checkTargetRoleTrustMissingExternalId,
  checkUnscopedWorkloadRole,
];

/** The checks of an association being made, in the order they run (the first problem found is thrown). */
export const NEW_ASSOCIATION_CHECKS: NewAssociationCheck[] = [
  checkScopedRoleAcrossStacks,
];

/** Runs the checks of an association being made, once its props are set and its logical id is taken. */
export function checkNewAssociation(association: RegisteredAssociation): void {
  for (const check of NEW_ASSOCIATION_CHECKS) check(association);
}

/** The role-chaining checks, in the order they run when an association with a target role is made. */
export const ROLE_CHAINING_CHECKS: RoleChainingCheck[] = [
  checkTargetRoleNotGranted,
  checkTargetRoleAcrossStacks,
  checkTargetRoleTrustNotResolvable,
];

/**
 * Runs the role-chaining checks of an association being made with a target role: they throw a problem (the first
 * one found) or report with an annotation.
 */
export function checkRoleChaining(chaining: RoleChaining): void {
  for (const check of ROLE_CHAINING_CHECKS) check(chaining);
}

/**
 * Runs every app-wide check over the whole app; they report with annotations (errors and warnings) on the constructs
 * at fault, and only on those of `stage`.
 */
function runAppChecks(root: IConstruct, stage: IConstruct): void {
  const registry = Registry.of(root);
  const context = { registry, facts: new AppFacts(root, registry) };
  reportingOnlyWithin(stage, () => {
    for (const check of APP_CHECKS) check(context);
  });
}

/**
 * Makes sure the app-wide checks run for the app of `construct`, and the limits of its stack are validated.
 * Every construct that writes to the registry calls it.
 */
export function ensureChecks(construct: IConstruct): void {
  ensureAppChecks(construct);
  ensureStackLimits(construct);
}

/**
 * Makes sure the app-wide checks run for the app of `construct` (for constructs that are no unit of the stack
 * limits, such as a role without associations).
 */
export function ensureAppChecks(construct: IConstruct): void {
  const root = construct.node.root;
  // A validation of the construct's stage (the app, or a nested Stage such as a CDK Pipelines wave): it runs once per
  // synthesis after every aspect (Tags.of(), users' own), and costs nothing per construct (an aspect would be
  // recorded against every construct). A nested stage is synthesized, and its assembly written, before the app's own
  // validation runs: each stage's validation reports on the constructs of that stage.
  const stage: IConstruct = Stage.of(construct) ?? root;
  stateOf(stage, 'AppChecks', () => stage.node.addValidation({
    validate: () => {
      runAppChecks(root, stage);
      return [];
    },
  }));
}
