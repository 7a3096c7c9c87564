import { Stack } from 'aws-cdk-lib';
import { CheckContext, forEachRepeat } from './check';
import { AGENT_ADDON_NAME } from '../private/eks-facts';
import { annotateError, quote } from '../private/errors';

/**
 * `DuplicateAddon`: one EKS add-on defined twice for a cluster, e.g. a `PodIdentityAddon` beside aws-cdk-lib's
 * `Addon` or a `CfnAddon` made by hand. (The agent has its own check, `DuplicateAgentAddon`.)
 */
export function checkDuplicateAddon({ facts }: CheckContext) {
  forEachRepeat(facts.addons.filter(addon => addon.addonName !== AGENT_ADDON_NAME),
    addon => `${Stack.of(addon).account}/${Stack.of(addon).region}/${addon.clusterName}/${addon.addonName}`,
    (addon, earlier) => annotateError(addon, 'DuplicateAddon',
      `the ${quote(addon.addonName)} add-on is defined twice for one cluster, at ${earlier.node.path} and at ${addon.node.path}; the second fails to deploy because the add-on exists`,
      'define it once: keep the PodIdentityAddon (it creates the add-on with its Pod Identity associations and roles) and remove the other Addon/CfnAddon'));
}
