// Facts of EKS that the constructs and the report both read (one table, so they cannot drift apart). A leaf file:
// it imports nothing.

/** What the EKS documentation names for an AWS add-on that calls AWS APIs. */
export interface KnownAddon {
  /** The namespace the add-on runs its service account in (where EKS creates its Pod Identity associations). */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The AWS managed policies the EKS documentation names; none when the add-on needs scoping inputs. */
  readonly managedPolicies: string[];
  /** Why there is no default policy, when there is none. */
  readonly noDefault?: string;
}

// From the EKS User Guide, "AWS add-ons" (workloads-add-ons-available-eks): each add-on's service account,
// namespace and the AWS managed policies it names.
const KNOWN_ADDONS: { readonly [addonName: string]: KnownAddon } = {
  'aws-ebs-csi-driver': { namespace: 'kube-system', serviceAccount: 'ebs-csi-controller-sa', managedPolicies: ['service-role/AmazonEBSCSIDriverPolicy'] },
  'aws-efs-csi-driver': { namespace: 'kube-system', serviceAccount: 'efs-csi-controller-sa', managedPolicies: ['service-role/AmazonEFSCSIDriverPolicy'] },
  'vpc-cni': { namespace: 'kube-system', serviceAccount: 'aws-node', managedPolicies: ['AmazonEKS_CNI_Policy'] },
  'amazon-cloudwatch-observability': { namespace: 'amazon-cloudwatch', serviceAccount: 'cloudwatch-agent', managedPolicies: ['CloudWatchAgentServerPolicy', 'AWSXrayWriteOnlyAccess'] },
  'aws-privateca-connector-for-kubernetes': { namespace: 'aws-privateca-issuer', serviceAccount: 'aws-privateca-issuer', managedPolicies: ['AWSPrivateCAConnectorForKubernetesPolicy'] },
  'aws-mountpoint-s3-csi-driver': {
    namespace: 'kube-system',
    serviceAccount: 's3-csi-driver-sa',
    managedPolicies: [],
    noDefault: 'Mountpoint needs access to your buckets only (AWS publishes no narrower managed policy than AmazonS3FullAccess)',
  },
  'aws-fsx-csi-driver': {
    namespace: 'kube-system',
    serviceAccount: 'fsx-csi-controller-sa',
    managedPolicies: [],
    noDefault: 'the policy the EKS documentation names, AmazonFSxFullAccess, allows every FSx action on every file system',
  },
};

/** The known add-on of that name (own entries only: `constructor` or `__proto__` are not add-ons). */
export function knownAddon(addonName: string): KnownAddon | undefined {
  return Object.prototype.hasOwnProperty.call(KNOWN_ADDONS, addonName) ? KNOWN_ADDONS[addonName] : undefined;
}

/** The names of every known add-on, sorted. */
export function knownAddonNames(): string[] {
  return Object.keys(KNOWN_ADDONS).sort();
}
