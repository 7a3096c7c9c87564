// Facts of EKS, IAM and Kubernetes that several files need. Public ones are re-exported as static members of the
// constructs (module-level constants are invisible to jsii languages).

/** The name of the EKS add-on that runs the Pod Identity Agent DaemonSet. */
export const AGENT_ADDON_NAME = 'eks-pod-identity-agent';
/** The service principal EKS Pod Identity uses to assume roles. */
export const POD_IDENTITY_SERVICE_PRINCIPAL = 'pods.eks.amazonaws.com';
/** Namespaces every cluster has. */
export const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
/** EKS allows this many Pod Identity associations per cluster. */
export const MAX_ASSOCIATIONS_PER_CLUSTER = 5000;
/** Pod Identity needs Kubernetes 1.24 or later. */
export const MIN_KUBERNETES_VERSION = '1.24';
/** The ServiceAccount annotation of IAM roles for service accounts (IRSA). */
export const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
/** The audience of the service account tokens IRSA exchanges with STS. */
export const IRSA_AUDIENCE = 'sts.amazonaws.com';
/**
 * Every session tag EKS Pod Identity adds (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html): none
 * with `disableSessionTags`, and none on IRSA sessions.
 */
export const SESSION_TAG_KEYS = [
  'eks-cluster-arn', 'eks-cluster-name', 'kubernetes-namespace', 'kubernetes-service-account', 'kubernetes-pod-name',
  'kubernetes-pod-uid',
];
