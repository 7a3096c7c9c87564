import { ArnFormat, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PodIdentityAgentAddon } from './agent-addon';
import { appStateOf, stateOf } from './private/app-store';
import { clusterLabel } from './private/cluster';
import { problem, quote, withConstructPath } from './private/errors';
import { agentAddonKey } from './private/registry';

/** Properties of {@link ExistingCluster.fromClusterName}. */
export interface ExistingClusterProps {
  /** The name of the existing EKS cluster, in the stack's account and region. */
  readonly clusterName: string;

  /**
   * The IAM role the kubectl Lambda runs as. It must be trusted by `lambda.amazonaws.com`, have
   * `AWSLambdaBasicExecutionRole` and `eks:DescribeCluster` on the cluster, and cluster-admin access to it (an EKS
   * access entry with `AmazonEKSClusterAdminPolicy`); with `kubectlPrivateSubnets` also
   * `AWSLambdaVPCAccessExecutionRole`. It is imported immutable: this library never changes its policies.
   */
  readonly kubectlRoleArn: string;

  /**
   * A Lambda layer with `kubectl` and `helm` for the cluster's Kubernetes version, e.g.
   * `new KubectlV33Layer(this, 'KubectlLayer')` from `@aws-cdk/lambda-layer-kubectl-v33`. aws-eks-v2 has no
   * default layer.
   *
   * @default - the layer of the kubectl provider an earlier call made for this cluster name in this stack; required
   * on the first call
   */
  readonly kubectlLayer?: lambda.ILayerVersion;

  /**
   * The cluster's VPC. Needed with `kubectlPrivateSubnets`.
   *
   * @default - the vpc an earlier call for this cluster name in this stack gave; on the first call none:
   * `cluster.vpc` throws, and the kubectl Lambda runs outside any VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Private subnets of `vpc` for the kubectl Lambda, when the cluster endpoint is private (not reachable from the
   * internet). Needs `vpc` and `kubectlSecurityGroups`. The subnets need outbound access to the EKS and STS APIs
   * (a NAT gateway, or VPC interface endpoints for `eks` and `sts`): the Lambda calls them before reaching the
   * cluster endpoint, and without them times out.
   *
   * @default - the cluster endpoint is public: the kubectl Lambda runs outside any VPC
   */
  readonly kubectlPrivateSubnets?: ec2.ISubnet[];

  /**
   * Security groups of the kubectl Lambda that the cluster endpoint accepts HTTPS from (e.g. the cluster security
   * group). Only with `kubectlPrivateSubnets`.
   *
   * @default - none (required with `kubectlPrivateSubnets`)
   */
  readonly kubectlSecurityGroups?: ec2.ISecurityGroup[];

  /**
   * The ARN of the cluster's IAM OIDC provider (the one IRSA uses), for workloads moving off IRSA
   * (`migratingFromIrsa`), e.g. `arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE`.
   * Give this or `openIdConnectIssuerUrl`, not both.
   *
   * @default - no OIDC provider: `cluster.openIdConnectProvider` throws and `migratingFromIrsa` is rejected
   */
  readonly openIdConnectProviderArn?: string;

  /**
   * The cluster's OIDC issuer URL (`aws eks describe-cluster --query cluster.identity.oidc.issuer`), e.g.
   * `https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE`: the IAM OIDC provider of that URL in the stack's account
   * is used, for workloads moving off IRSA. Give this or `openIdConnectProviderArn`, not both.
   *
   * @default - no OIDC provider: `cluster.openIdConnectProvider` throws and `migratingFromIrsa` is rejected
   */
  readonly openIdConnectIssuerUrl?: string;

  /**
   * Whether the cluster already runs the Pod Identity Agent (the `eks-pod-identity-agent` add-on, installed by
   * eksctl, the console, another stack, or built into EKS Auto Mode). `true` records it as installed
   * (`PodIdentityAgentAddon.fromInstalledAddon`): nothing in this app creates the add-on. `false` creates the add-on
   * now, in this stack (`PodIdentityAgentAddon.of`).
   *
   * Every call for the cluster in the stage (the app, or a nested `Stage`) that states it must state the same.
   *
   * @default - not stated (or as an earlier call for the cluster stated): the first association on the cluster
   * creates the add-on, and synthesis warns (`AgentAddonOnImportedCluster`), since creating it fails the deployment
   * where it already runs
   */
  readonly podIdentityAgentInstalled?: boolean;
}

/** What the kubectl provider of one cluster name in one stack was made with. */
interface SharedKubectlProvider {
  readonly provider: eksv2.IKubectlProvider;
  readonly madeAt: string;
  readonly kubectlRoleArn: string;
  readonly kubectlLayer: lambda.ILayerVersion;
  readonly vpc?: ec2.IVpc;
  readonly kubectlPrivateSubnets?: ec2.ISubnet[];
  readonly kubectlSecurityGroups?: ec2.ISecurityGroup[];
}

/**
 * An existing `aws_eks_v2` cluster, imported in one call with everything workloads need to apply Kubernetes
 * manifests to it: the kubectl provider (a Lambda with kubectl, running as your kubectl role), and optionally the
 * cluster's IAM OIDC provider (IRSA migration) and whether the Pod Identity Agent already runs there.
 *
 * ```ts
 * const cluster = ExistingCluster.fromClusterName(this, 'Cluster', {
 *   clusterName: 'my-cluster',
 *   kubectlRoleArn: 'arn:aws:iam::123456789012:role/my-kubectl',
 *   kubectlLayer: new KubectlV33Layer(this, 'KubectlLayer'),
 * });
 * ```
 */
export class ExistingCluster {
  /**
   * Imports an existing EKS cluster by name as an `aws_eks_v2` cluster that can apply Kubernetes manifests.
   *
   * The kubectl provider is made once per cluster name and stack: a second call for the same cluster in the same
   * stack reuses it (its kubectl options must then be the same or omitted). (aws-cdk-lib's
   * `Cluster.fromClusterAttributes` ignores `kubectlProviderOptions`: this builds the `KubectlProvider` and passes it.)
   */
  public static fromClusterName(scope: Construct, id: string, props: ExistingClusterProps): eksv2.ICluster {
    return withConstructPath(`${scope.node.path}/${id}`, () => {
      checkClusterName(props.clusterName);
      checkKubectlRoleArn(scope, props.kubectlRoleArn);
      checkKubectlNetwork(props);
      const openIdConnectProviderArn = openIdConnectProviderArnOf(scope, props);

      const shared = sharedKubectlProvider(scope, id, props);
      const cluster = eksv2.Cluster.fromClusterAttributes(scope, id, {
        clusterName: props.clusterName,
        vpc: props.vpc ?? shared.vpc,
        kubectlProvider: shared.provider,
        openIdConnectProvider: openIdConnectProviderArn === undefined ? undefined
          : iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(scope, `${id}OpenIdConnectProvider`, openIdConnectProviderArn),
      });
      checkSameAgentStatement(cluster, `${scope.node.path}/${id}`, props.podIdentityAgentInstalled);
      const agent = PodIdentityAgentAddon.find(cluster);
      if (props.podIdentityAgentInstalled === true && agent?.addonArn === undefined) {
        // An agent already recorded as installed (by an earlier call) stays; one this app creates is a contradiction.
        if (!agent) PodIdentityAgentAddon.fromInstalledAddon(scope, `${id}PodIdentityAgent`, cluster);
      } else if (props.podIdentityAgentInstalled === true) {
        PodIdentityAgentAddon.fromInstalledAddon(scope, `${id}PodIdentityAgent`, cluster); // throws DuplicateAgentAddon
      } else if (props.podIdentityAgentInstalled === false) {
        PodIdentityAgentAddon.of(cluster);
      }
      return cluster;
    });
  }

  private constructor() {}
}

/**
 * A call may repeat what an earlier call for the cluster (in the app: the agent is one per cluster and stage) stated
 * about the agent, never contradict it: the later statement would be silently ignored.
 */
function checkSameAgentStatement(cluster: eksv2.ICluster, path: string, installed: boolean | undefined): void {
  if (installed === undefined) return;
  const statements = appStateOf(cluster, 'ExistingClusterAgentStatements', () => new Map<string, { installed: boolean; at: string }>());
  const earlier = statements.get(agentAddonKey(cluster));
  if (earlier === undefined) {
    statements.set(agentAddonKey(cluster), { installed, at: path });
  } else if (earlier.installed !== installed) {
    throw problem('AgentInstalledConflict',
      `podIdentityAgentInstalled is ${installed} here but ${earlier.installed} at ${earlier.at} for cluster ${clusterLabel(cluster)}; the cluster either runs the Pod Identity Agent or not`,
      'pass the same podIdentityAgentInstalled on every ExistingCluster.fromClusterName call for the cluster (or omit it after the first): true when the cluster already runs eks-pod-identity-agent, false when this app creates the add-on');
  }
}

/** EKS cluster names: 1-100 characters of letters, digits, `-` and `_`, starting with a letter or digit. */
function checkClusterName(clusterName: string): void {
  if (Token.isUnresolved(clusterName)) return;
  if (typeof clusterName !== 'string' || !/^[0-9A-Za-z][A-Za-z0-9_-]*$/.test(clusterName) || clusterName.length > 100) {
    throw problem('InvalidClusterName',
      `clusterName ${quote(clusterName)} is not an EKS cluster name (1-100 letters, digits, '-' or '_', starting with a letter or digit)`,
      'pass the name `aws eks list-clusters` shows for the cluster, not its ARN or endpoint');
  }
}

function checkKubectlRoleArn(scope: Construct, roleArn: string): void {
  if (roleArn === undefined || roleArn === null || roleArn === '') {
    throw problem('InvalidKubectlRoleArn',
      'kubectlRoleArn is missing, so nothing could apply Kubernetes manifests to the existing cluster',
      'pass the ARN of a role trusted by lambda.amazonaws.com with cluster-admin access to the cluster (an EKS access entry with AmazonEKSClusterAdminPolicy)');
  }
  if (Token.isUnresolved(roleArn)) return;
  if (typeof roleArn !== 'string' || !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn)) {
    throw problem('InvalidKubectlRoleArn',
      `kubectlRoleArn ${quote(roleArn)} is not an IAM role ARN`,
      'pass the role\'s ARN, like arn:aws:iam::123456789012:role/my-kubectl (not its name, nor a user or instance profile ARN)');
  }
  // The role is the kubectl Lambda's execution role, which Lambda requires in the function's own account.
  const roleAccount = roleArn.split(':')[4];
  const stackAccount = Stack.of(scope).account;
  if (!Token.isUnresolved(stackAccount) && roleAccount !== stackAccount) {
    throw problem('KubectlRoleInOtherAccount',
      `kubectlRoleArn ${quote(roleArn)} is in account ${roleAccount} but the stack is in account ${stackAccount}; the kubectl Lambda runs in the stack's account and Lambda accepts only an execution role of its own account`,
      `pass a kubectl role in account ${stackAccount} (trusted by lambda.amazonaws.com, with an access entry on the cluster), or define this stack in account ${roleAccount}`);
  }
}

function checkKubectlNetwork(props: ExistingClusterProps): void {
  const subnets = props.kubectlPrivateSubnets ?? [];
  const securityGroups = props.kubectlSecurityGroups ?? [];
  if (subnets.length > 0 && props.vpc === undefined) {
    throw problem('IncompleteKubectlNetwork',
      `kubectlPrivateSubnets is set (${subnets.length} subnets) but vpc is not; the kubectl Lambda cannot be placed in the cluster's VPC`,
      'pass vpc: ec2.Vpc.fromLookup(...) or ec2.Vpc.fromVpcAttributes(...) for the cluster\'s VPC');
  }
  if (subnets.length > 0 && securityGroups.length === 0) {
    throw problem('IncompleteKubectlNetwork',
      'kubectlPrivateSubnets is set but kubectlSecurityGroups is not; the kubectl Lambda would get a new security group the private cluster endpoint does not accept',
      'pass kubectlSecurityGroups: [ec2.SecurityGroup.fromSecurityGroupId(this, \'ClusterSg\', \'sg-...\')] with the cluster security group (or one the endpoint allows HTTPS from)');
  }
  if (subnets.length === 0 && securityGroups.length > 0) {
    throw problem('IncompleteKubectlNetwork',
      'kubectlSecurityGroups is set but kubectlPrivateSubnets is not; a kubectl Lambda outside the VPC uses no security group',
      'for a private cluster endpoint pass kubectlPrivateSubnets too; for a public one drop kubectlSecurityGroups');
  }
}

/** The IAM OIDC provider ARN from the ARN or the issuer URL given, if any. */
function openIdConnectProviderArnOf(scope: Construct, props: ExistingClusterProps): string | undefined {
  const { openIdConnectProviderArn: arn, openIdConnectIssuerUrl: url } = props;
  if (arn !== undefined && url !== undefined) {
    throw problem('InvalidOpenIdConnectProvider',
      'both openIdConnectProviderArn and openIdConnectIssuerUrl are set',
      'pass one of them: the provider ARN, or the issuer URL (the provider of that URL in the stack\'s account is used)');
  }
  if (arn !== undefined) {
    if (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/.test(arn)) {
      throw problem('InvalidOpenIdConnectProvider',
        `openIdConnectProviderArn ${quote(arn)} is not an IAM OIDC provider ARN`,
        'pass it like arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE (`aws iam list-open-id-connect-providers`), or pass openIdConnectIssuerUrl instead');
    }
    return arn;
  }
  if (url === undefined) return undefined;
  let hostAndPath: string;
  if (Token.isUnresolved(url)) {
    hostAndPath = Fn.select(1, Fn.split('https://', url));
  } else {
    const match = /^https:\/\/([^/\s]+\/\S+)$/.exec(url);
    if (!match) {
      throw problem('InvalidOpenIdConnectProvider',
        `openIdConnectIssuerUrl ${quote(url)} is not an OIDC issuer URL`,
        'pass the cluster\'s issuer as `aws eks describe-cluster --name <cluster> --query cluster.identity.oidc.issuer` prints it, like https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE');
    }
    hostAndPath = match[1];
  }
  return Stack.of(scope).formatArn({
    service: 'iam',
    region: '',
    resource: 'oidc-provider',
    resourceName: hostAndPath,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/** The kubectl provider for the cluster in the stack of `scope`: made by the first call, reused after. */
function sharedKubectlProvider(scope: Construct, id: string, props: ExistingClusterProps): SharedKubectlProvider {
  const stack = Stack.of(scope);
  const providers = stateOf(stack, 'ExistingClusterKubectlProviders', () => new Map<string, SharedKubectlProvider>());
  // A name given as a token may be another token of the same value (two `Fn.importValue` of one export).
  const existing = providers.get(props.clusterName)
    ?? [...providers].find(([name]) => sameValue(stack, name, props.clusterName))?.[1];
  if (existing) {
    checkSameKubectlOptions(stack, existing, props);
    return existing;
  }
  if (props.kubectlLayer === undefined) {
    throw problem('NoKubectlLayer',
      `no kubectlLayer for cluster ${quote(props.clusterName)}: the kubectl provider needs a Lambda layer with kubectl and helm, and aws-eks-v2 has no default`,
      'add the layer package for the cluster\'s Kubernetes version (e.g. `npm i @aws-cdk/lambda-layer-kubectl-v33`) and pass kubectlLayer: new KubectlV33Layer(this, \'KubectlLayer\')');
  }
  const container = new Construct(scope, `${id}Kubectl`);
  // The provider needs a cluster to name in its policy (and its VPC, for a private endpoint); the cluster users get
  // is imported afterwards with the provider, since an import cannot be given one later.
  const target = eksv2.Cluster.fromClusterAttributes(container, 'Cluster', { clusterName: props.clusterName, vpc: props.vpc });
  const provider = new eksv2.KubectlProvider(container, 'Provider', {
    cluster: target,
    kubectlLayer: props.kubectlLayer,
    role: iam.Role.fromRoleArn(container, 'Role', props.kubectlRoleArn, { mutable: false }),
    privateSubnets: props.kubectlPrivateSubnets?.length ? props.kubectlPrivateSubnets : undefined,
    securityGroups: props.kubectlSecurityGroups?.length ? props.kubectlSecurityGroups : undefined,
  });
  const shared: SharedKubectlProvider = {
    provider,
    madeAt: container.node.path,
    kubectlRoleArn: props.kubectlRoleArn,
    kubectlLayer: props.kubectlLayer,
    vpc: props.vpc,
    kubectlPrivateSubnets: props.kubectlPrivateSubnets,
    kubectlSecurityGroups: props.kubectlSecurityGroups,
  };
  providers.set(props.clusterName, shared);
  return shared;
}

/** A second call for a cluster may repeat the first call's kubectl options or omit them, never change them. */
function checkSameKubectlOptions(stack: Stack, existing: SharedKubectlProvider, props: ExistingClusterProps): void {
  const sameList = <T>(first: T[] = [], given: T[] | undefined) =>
    given === undefined || first.length === given.length && first.every((item, i) => item === given[i]);
  const differing = [
    ...!sameValue(stack, existing.kubectlRoleArn, props.kubectlRoleArn) ? ['kubectlRoleArn'] : [],
    ...props.kubectlLayer !== undefined && props.kubectlLayer !== existing.kubectlLayer ? ['kubectlLayer'] : [],
    ...props.vpc !== undefined && props.vpc !== existing.vpc ? ['vpc'] : [],
    ...!sameList(existing.kubectlPrivateSubnets, props.kubectlPrivateSubnets) ? ['kubectlPrivateSubnets'] : [],
    ...!sameList(existing.kubectlSecurityGroups, props.kubectlSecurityGroups) ? ['kubectlSecurityGroups'] : [],
  ];
  if (differing.length > 0) {
    throw problem('KubectlProviderConflict',
      `cluster ${quote(props.clusterName)} already has a kubectl provider in this stack, at ${existing.madeAt}, made with other ${differing.join(', ')}; one provider serves every import of the cluster in a stack`,
      'pass the same values as the first ExistingCluster.fromClusterName call (or omit kubectlLayer, vpc and the kubectl network options to reuse them), or import the cluster in another stack');
  }
}

/**
 * Whether two values are the same in the stack's template: tokens of one value (two `Fn.importValue` of one export)
 * are distinct strings that resolve alike. A value naming a resource (`Ref`, `Fn::GetAtt`) is only the same when it
 * is the same token: resources of two other stacks at one path resolve alike here, yet are different roles.
 */
function sameValue(stack: Stack, first: string, second: string): boolean {
  if (first === second) return true;
  if (!Token.isUnresolved(first) && !Token.isUnresolved(second)) return false;
  try {
    const [a, b] = [JSON.stringify(stack.resolve(first)), JSON.stringify(stack.resolve(second))];
    return a === b && !/"Fn::GetAtt"|"Ref":"(?!AWS::)/.test(a);
  } catch {
    return false; // a value that cannot be resolved yet counts as another one
  }
}
