// The public part of lib/policies: the WellKnownPolicy class and its options (not the per-software builders).
export { WellKnownPolicy } from './well-known-policy';
export { ClusterScopedPolicyOptions, WellKnownPolicyOptions } from './options';
export {
  AwsLoadBalancerControllerOptions, AwsLoadBalancerControllerTargetGroupBindingOnlyOptions, GatewayApiControllerOptions,
} from './load-balancing';
export { AwsPrivateCaIssuerOptions, CertManagerOptions, ExternalDnsOptions } from './dns-and-certificates';
export { ClusterAutoscalerOptions, KarpenterOptions, NodeTerminationHandlerOptions } from './autoscaling';
export { EbsCsiDriverOptions, EfsCsiDriverOptions, FsxLustreCsiDriverOptions, MountpointS3CsiDriverOptions } from './storage';
export { AppMeshControllerOptions, AppMeshEnvoyOptions, VpcCniOptions } from './networking';
export { AmazonManagedPrometheusOptions, CloudWatchObservabilityOptions } from './observability';
export { ExternalSecretsOptions, VeleroOptions } from './secrets-and-backup';
