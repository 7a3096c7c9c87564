// Facts of EKS, IAM, CloudFormation and Kubernetes that the constructs, the checks and the report read: one table, so
// they cannot drift apart (test/private/eks-facts.test.ts fails when one of these literals appears elsewhere in lib/).
// A leaf file: it imports nothing. Public ones are re-exported as static members of the constructs (module-level
// constants are invisible to jsii languages).

/** The service principal EKS Pod Identity uses to assume roles. */
export const POD_IDENTITY_SERVICE_PRINCIPAL = 'pods.eks.amazonaws.com';
/** The name of the EKS add-on that runs the Pod Identity Agent DaemonSet. */
export const AGENT_ADDON_NAME = 'eks-pod-identity-agent';
/** Pod Identity needs Kubernetes 1.24 or later. */
export const MIN_KUBERNETES_VERSION = '1.24';

// The session tags EKS Pod Identity adds (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html).
export const CLUSTER_ARN_TAG = 'eks-cluster-arn';
export const CLUSTER_NAME_TAG = 'eks-cluster-name';
export const NAMESPACE_TAG = 'kubernetes-namespace';
export const SERVICE_ACCOUNT_TAG = 'kubernetes-service-account';
export const POD_NAME_TAG = 'kubernetes-pod-name';
export const POD_UID_TAG = 'kubernetes-pod-uid';
/** Every session tag EKS Pod Identity adds: none with `disableSessionTags`, and none on IRSA sessions. */
export const SESSION_TAG_KEYS = [CLUSTER_ARN_TAG, CLUSTER_NAME_TAG, NAMESPACE_TAG, SERVICE_ACCOUNT_TAG, POD_NAME_TAG, POD_UID_TAG];

/** The condition key of a tag in the request (a trust policy's view of a session tag): `aws:RequestTag/<key>`. */
export function requestTag(key: string): string {
  return `aws:RequestTag/${key}`;
}

/** The condition key (or policy variable name) of a tag of the session's principal: `aws:PrincipalTag/<key>`. */
export function principalTag(key: string): string {
  return `aws:PrincipalTag/${key}`;
}

/** The namespace of the cluster's own system components (and of most AWS add-ons). */
export const KUBE_SYSTEM_NAMESPACE = 'kube-system';
/** Namespaces every cluster has. */
export const BUILT_IN_NAMESPACES = ['default', KUBE_SYSTEM_NAMESPACE, 'kube-public', 'kube-node-lease'];
/** The ServiceAccount annotation of IAM roles for service accounts (IRSA). */
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
/** The audience of the service account tokens IRSA exchanges with STS. */
export const IRSA_AUDIENCE = 'sts.amazonaws.com';

// Limits.
/** EKS allows this many Pod Identity associations per cluster. */
export const MAX_ASSOCIATIONS_PER_CLUSTER = 5000;
/** EKS allows this many tags on one association. */
export const MAX_TAGS = 50;
/** The longest tag key AWS accepts. */
export const MAX_TAG_KEY_LENGTH = 128;
/** The longest tag value AWS accepts. */
export const MAX_TAG_VALUE_LENGTH = 256;
/** IAM's default quota of the role trust policy length (characters, whitespace not counted). */
export const DEFAULT_TRUST_POLICY_LENGTH_QUOTA = 2048;
/** The highest role trust policy length IAM grants on request. */
export const MAX_TRUST_POLICY_LENGTH_QUOTA = 8192;
/** IAM's default quota of managed policies attached to one role. */
export const DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA = 10;
/** The highest managed-policies-per-role quota IAM grants on request. */
export const MAX_MANAGED_POLICIES_PER_ROLE_QUOTA = 20;
/** STS accepts session policies of at most this many plain-text characters (AssumeRole `Policy`). */
export const MAX_SESSION_POLICY_LENGTH = 2048;
/** CloudFormation allows this many resources in one stack. */
export const MAX_RESOURCES_PER_STACK = 500;
/** CloudFormation accepts templates up to 1 MB (uploaded through S3). */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

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
  'aws-ebs-csi-driver': { namespace: KUBE_SYSTEM_NAMESPACE, serviceAccount: 'ebs-csi-controller-sa', managedPolicies: ['service-role/AmazonEBSCSIDriverPolicy'] },
  'aws-efs-csi-driver': { namespace: KUBE_SYSTEM_NAMESPACE, serviceAccount: 'efs-csi-controller-sa', managedPolicies: ['service-role/AmazonEFSCSIDriverPolicy'] },
  'vpc-cni': { namespace: KUBE_SYSTEM_NAMESPACE, serviceAccount: 'aws-node', managedPolicies: ['AmazonEKS_CNI_Policy'] },
  'amazon-cloudwatch-observability': { namespace: 'amazon-cloudwatch', serviceAccount: 'cloudwatch-agent', managedPolicies: ['CloudWatchAgentServerPolicy', 'AWSXrayWriteOnlyAccess'] },
  'aws-privateca-connector-for-kubernetes': { namespace: 'aws-privateca-issuer', serviceAccount: 'aws-privateca-issuer', managedPolicies: ['AWSPrivateCAConnectorForKubernetesPolicy'] },
  'aws-mountpoint-s3-csi-driver': {
    namespace: KUBE_SYSTEM_NAMESPACE,
    serviceAccount: 's3-csi-driver-sa',
    managedPolicies: [],
    noDefault: 'Mountpoint needs access to your buckets only (AWS publishes no narrower managed policy than AmazonS3FullAccess)',
  },
  'aws-fsx-csi-driver': {
    namespace: KUBE_SYSTEM_NAMESPACE,
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

/** The namespace and service account of a known add-on (for the presets of the same software). */
export function knownAddonServiceAccount(addonName: string): { readonly namespace: string; readonly serviceAccount: string } {
  const addon = knownAddon(addonName);
  if (!addon) throw new Error(`${addonName} is not a known add-on`);
  return { namespace: addon.namespace, serviceAccount: addon.serviceAccount };
}
