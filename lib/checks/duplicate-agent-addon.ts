import { Stack } from 'aws-cdk-lib';
import { CheckContext, forEachRepeat } from './check';
import { clusterKey, environmentKey } from '../private/cluster';
import { AGENT_ADDON_NAME } from '../private/eks-facts';
import { annotateError } from '../private/errors';

/** `DuplicateAgentAddon`: the agent add-on defined twice for one cluster (e.g. by hand beside this library's). */
export function checkDuplicateAgentAddon({ facts }: CheckContext) {
  forEachRepeat(facts.agentAddons,
    addon => {
      // A new cluster's add-on names it by a token: known by the cluster's key, as imports of its literal name are.
      const cluster = facts.newClustersByName.get(addon.clusterName);
      return cluster ? clusterKey(cluster) : `${environmentKey(addon, Stack.of(addon).account, Stack.of(addon).region)}/${addon.clusterName}`;
    },
    (addon, earlier) => annotateError(addon, 'DuplicateAgentAddon',
      `the ${AGENT_ADDON_NAME} add-on is defined twice for one cluster, at ${earlier.node.path} and at ${addon.node.path}; the second fails to deploy because the add-on exists`,
      'define it once: use PodIdentityAgentAddon.of(cluster) (or cluster.eksPodIdentityAgent, which it shares) instead of another Addon/CfnAddon; where two stages (e.g. CDK Pipelines waves) deploy to the same cluster, call PodIdentityAgentAddon.fromInstalledAddon(scope, id, cluster) in the stage deployed second, before anything uses the cluster there'));
}
