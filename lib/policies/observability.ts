// Observability: Amazon CloudWatch Observability (agent + Fluent Bit), Amazon Managed Service for Prometheus.
import { PresetDefinition, requireArns, requireScope } from './grants';
import { AmazonManagedPrometheusOptions, CloudWatchObservabilityOptions } from './options';
import { knownAddonServiceAccount } from '../private/eks-facts';

/**
 * Upstream: the AWS managed policy `CloudWatchAgentServerPolicy` (which also covers X-Ray traces of Application
 * Signals) that the `amazon-cloudwatch-observability` add-on documentation prescribes
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/install-CloudWatch-Observability-EKS-addon.html),
 * also terraform-aws-eks-pod-identity `aws_cloudwatch_observability.tf`. Managed: the agent writes metrics
 * (`cloudwatch:PutMetricData` has no resource-level permissions) and log groups it names per cluster at run time,
 * and AWS updates the policy with the agent.
 */
export function cloudWatchObservability(_options: CloudWatchObservabilityOptions): PresetDefinition {
  return {
    name: 'CloudWatchObservability',
    ...knownAddonServiceAccount('amazon-cloudwatch-observability'),
    grants: [],
    awsManagedPolicies: [{
      name: 'CloudWatchAgentServerPolicy',
      reason: 'CloudWatchAgentServerPolicy is the policy the amazon-cloudwatch-observability add-on documentation prescribes; PutMetricData and the X-Ray writes have no resource-level permissions and AWS updates the policy with the agent',
    }],
  };
}

/**
 * Upstream: https://docs.aws.amazon.com/prometheus/latest/userguide/set-up-irsa.html (ingest) and the AWS managed
 * policies `AmazonPrometheusRemoteWriteAccess` / `AmazonPrometheusQueryAccess`, also terraform-aws-eks-pod-identity
 * `amazon_managed_service_prometheus.tf`. Inline instead of the managed policies, which allow every workspace:
 * here only the given ones.
 */
export function amazonManagedPrometheus(options: AmazonManagedPrometheusOptions): PresetDefinition {
  const preset = 'amazonManagedPrometheus';
  const workspaces = requireArns(preset, 'workspaceArns',
    requireScope(preset, 'workspaceArns', options.workspaceArns, 'pass the ARNs of the workspaces to write to'), 'aps');
  const actions = ['aps:RemoteWrite'];
  if (options.query) actions.push('aps:QueryMetrics', 'aps:GetSeries', 'aps:GetLabels', 'aps:GetMetricMetadata');
  return {
    name: 'AmazonManagedPrometheus',
    namespace: 'prometheus',
    serviceAccount: 'amp-iamproxy-ingest-service-account',
    grants: [{ actions, resources: workspaces }],
  };
}
