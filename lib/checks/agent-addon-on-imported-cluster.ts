import { CheckContext } from './check';
import { clusterLabel } from '../private/cluster';
import { AGENT_ADDON_NAME } from '../private/eks-facts';
import { annotateWarning } from '../private/errors';

/**
 * `AgentAddonOnImportedCluster`: the agent add-on is created for an imported cluster because something needed it,
 * not because the user said the cluster lacks it. Creating an add-on that exists fails (EKS CreateAddon:
 * ResourceInUseException "Addon already exists"; the stack rolls back, the running add-on is left alone), and many
 * existing clusters run the agent. The default stays "create": skipping it would leave pods without credentials
 * on clusters that lack the agent, found only at runtime.
 */
export function checkAgentAddonOnImportedCluster({ registry }: CheckContext) {
  for (const addon of registry.allAgentAddons) {
    if (addon._implicitlyCreatedFor === undefined) continue;
    annotateWarning(addon, 'AgentAddonOnImportedCluster',
      `this stack creates the ${AGENT_ADDON_NAME} add-on on the imported cluster ${clusterLabel(addon.cluster)} (first needed by ${addon._implicitlyCreatedFor}); if the cluster already runs the agent (eksctl, the console, another stack, EKS Auto Mode), the deployment fails with "Addon already exists" and rolls back`,
      'if the cluster runs the agent, call PodIdentityAgentAddon.fromInstalledAddon(scope, id, cluster) before anything uses the cluster (or ExistingCluster.fromClusterName(..., { podIdentityAgentInstalled: true })); if it does not, say so with PodIdentityAgentAddon.of(cluster) before anything uses the cluster (or podIdentityAgentInstalled: false), which silences this warning');
  }
}
