// The cross-construct checks, run once per app at synthesis from the registry (an aspect on the app root that acts
// on the root only), and the per-stack CloudFormation limits. Like cdk-nag's rules: one check a file, one table.
import { Aspects, IAspect } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AppFacts } from './app-facts';
import { checkAssociationsPerCluster } from './associations-per-cluster';
import { AppCheck } from './check';
import { checkCredentialEnv } from './credential-env';
import { checkDeploymentServiceAccount } from './deployment-service-account';
import { checkDuplicateAddons } from './duplicate-addon';
import { checkDuplicateAssociations } from './duplicate-association';
import { checkFargate } from './fargate';
import { checkIrsaAnnotation } from './irsa-annotation';
import { checkKubernetesVersion } from './kubernetes-version';
import { checkLinuxCapacity } from './linux-capacity';
import { checkNamespaceExists } from './namespace-exists';
import { checkNamespacesCreatedOnce } from './namespaces-created-once';
import { checkOneAgentAddonPerCluster } from './one-agent-addon';
import { checkRegion } from './region';
import { checkRoleAccount } from './role-account';
import { checkRoleTrust } from './role-trust';
import { ensureStackLimits } from './stack-limits';
import { checkTargetRoleTrust } from './target-role-trust';
import { checkTrustPolicyLength } from './trust-policy-length';
import { checkUnscopedWorkloadRole } from './unscoped-workload-role';
import { appStateOf } from '../private/app-store';
import { Registry } from '../private/registry';

/** Every app-wide check, in the order they report. */
export const APP_CHECKS: AppCheck[] = [
  checkDuplicateAssociations,
  checkOneAgentAddonPerCluster,
  checkDuplicateAddons,
  checkAssociationsPerCluster,
  checkNamespacesCreatedOnce,
  checkRegion,
  checkKubernetesVersion,
  checkFargate,
  checkRoleTrust,
  checkRoleAccount,
  checkNamespaceExists,
  checkCredentialEnv,
  checkIrsaAnnotation,
  checkDeploymentServiceAccount,
  checkLinuxCapacity,
  checkTrustPolicyLength,
  checkTargetRoleTrust,
  checkUnscopedWorkloadRole,
];

class AppChecks implements IAspect {
  constructor(private readonly root: IConstruct) {}

  public visit(node: IConstruct): void {
    if (node !== this.root) return;
    const registry = Registry.of(this.root);
    const context = { registry, facts: new AppFacts(this.root, registry) };
    for (const check of APP_CHECKS) check(context);
  }
}

/**
 * Makes sure the app-wide checks run for the app of `construct`, and the limits of its stack are validated.
 * Every construct that writes to the registry calls it.
 */
export function ensureChecks(construct: IConstruct): void {
  const root = construct.node.root;
  appStateOf(root, 'AppChecks', () => Aspects.of(root).add(new AppChecks(root)));
  ensureStackLimits(construct);
}
