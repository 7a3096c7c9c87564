// Options shared by the well-known policy presets.

/** Options every preset takes: where the software runs, when not in its conventional place. */
export interface WellKnownPolicyOptions {
  /**
   * The namespace the software runs in.
   *
   * @default - the namespace its documentation installs it into (see the preset)
   */
  readonly namespace?: string;

  /**
   * The service account its pods use.
   *
   * @default - the name its documentation or Helm chart uses (see the preset)
   */
  readonly serviceAccount?: string;
}

/** Options of a preset that can be scoped to one cluster. */
export interface ClusterScopedPolicyOptions extends WellKnownPolicyOptions {
  /**
   * The cluster whose resources the software may change, matched against the cluster tag the software puts on
   * what it creates.
   *
   * @default - the cluster of the pod, from the `eks-cluster-name` session tag EKS Pod Identity sets
   * (`${aws:PrincipalTag/eks-cluster-name}`): right for every cluster the role is associated with. Associations
   * with `disableSessionTags: true` send no tags: pass the name then.
   */
  readonly clusterName?: string;
}
