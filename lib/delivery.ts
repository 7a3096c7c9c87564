import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { problem, quote } from './private/errors';
import { DeliveryTarget, deliverWithGitOps } from './private/gitops';
import { applyManifest } from './private/kubectl-manifest';

/** Options of {@link ManifestDelivery.gitOps}. */
export interface GitOpsDeliveryOptions {
  /**
   * The folder the YAML files are written under, typically one in the Git repository Argo CD or Flux syncs.
   * A relative path resolves against the working directory of the synthesis (`cdk synth` runs the app in the
   * folder of `cdk.json`). Each cluster and namespace gets `<directory>/<cluster folder>/<namespace>/`.
   */
  readonly directory: string;

  /**
   * The cluster's folder under `directory`. Required when the cluster's name is chosen by CloudFormation (a new
   * cluster without `clusterName`); useful to tell apart clusters of one name in several accounts or regions.
   *
   * @default - the cluster's name
   */
  readonly clusterFolder?: string;
}

/**
 * How a workload's Kubernetes objects reach the cluster.
 *
 * - `ManifestDelivery.kubectl()` (the default): a kubectl custom resource in the stack applies them, after the
 *   Pod Identity association exists.
 * - `ManifestDelivery.gitOps({ directory })`: they are written as YAML files at synth, one folder per cluster and
 *   namespace with a `kustomization.yaml`, for Argo CD or Flux to sync; the stack keeps only the role, the
 *   association and the agent add-on. Deploy the stack before the sync.
 */
export class ManifestDelivery {
  /** Apply the objects with the cluster's kubectl provider (an aws-cdk-lib `KubernetesManifest`). */
  public static kubectl(): ManifestDelivery {
    return new ManifestDelivery(undefined);
  }

  /** Write the objects as YAML files at synth, for Argo CD or Flux to sync. */
  public static gitOps(options: GitOpsDeliveryOptions): ManifestDelivery {
    checkFolder('directory', options.directory, true);
    if (options.clusterFolder !== undefined) checkFolder('clusterFolder', options.clusterFolder, false);
    return new ManifestDelivery(options);
  }

  /** The GitOps options, or undefined for kubectl delivery. */
  public readonly gitOpsOptions?: GitOpsDeliveryOptions;

  private constructor(gitOpsOptions: GitOpsDeliveryOptions | undefined) {
    this.gitOpsOptions = gitOpsOptions;
  }

  /**
   * Creates the construct that delivers the chart, as `id` under `scope`.
   * @internal
   */
  public _deliver(scope: Construct, id: string, target: DeliveryTarget): Construct {
    if (!this.gitOpsOptions) return applyManifest(scope, id, target.cluster, { render: target.render, releaseRendering: target.releaseRendering });
    return deliverWithGitOps(scope, id, { ...this.gitOpsOptions, ...target });
  }
}

function checkFolder(name: string, value: string, mayBeAbsolute: boolean): void {
  const segments = value.split(/[\\/]/);
  const wrong = Token.isUnresolved(value) ? 'is a CloudFormation token'
    : value.trim() === '' ? 'is empty'
      : !mayBeAbsolute && (value.startsWith('/') || /^[a-zA-Z]:/.test(value)) ? 'is an absolute path'
        : !mayBeAbsolute && segments.includes('..') ? 'leaves the directory (contains `..`)'
          : undefined;
  if (wrong) {
    throw problem('InvalidGitOpsDirectory',
      `ManifestDelivery.gitOps ${name} ${quote(value)} ${wrong}`,
      name === 'directory' ? 'pass a literal folder, e.g. \'gitops\' (relative to the working directory at synth) or an absolute path'
        : 'pass a literal relative folder name, e.g. the cluster\'s name');
  }
}
