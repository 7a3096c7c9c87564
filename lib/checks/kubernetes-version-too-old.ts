import { Token } from 'aws-cdk-lib';
import { CheckContext } from './check';
import { clusterLabel, kubernetesVersion } from '../private/cluster';
import { MIN_KUBERNETES_VERSION } from '../private/eks-facts';
import { annotateError } from '../private/errors';

/** `KubernetesVersionTooOld`: a new cluster below the version Pod Identity needs. */
export function checkKubernetesVersionTooOld({ registry }: CheckContext) {
  const [minMajor, minMinor] = MIN_KUBERNETES_VERSION.split('.').map(Number);
  for (const association of registry.associations) {
    const version = kubernetesVersion(association.cluster);
    if (!version || Token.isUnresolved(version)) continue;
    const [major, minor] = version.split('.').map(Number);
    if (major < minMajor || (major === minMajor && minor < minMinor)) {
      annotateError(association, 'KubernetesVersionTooOld',
        `cluster ${clusterLabel(association.cluster)} runs Kubernetes ${version}; EKS Pod Identity needs ${MIN_KUBERNETES_VERSION} or later`,
        `upgrade the cluster's version to ${MIN_KUBERNETES_VERSION} or later (e.g. KubernetesVersion.V1_33)`);
    }
  }
}
