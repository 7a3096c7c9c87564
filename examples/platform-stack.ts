// Cluster software on EKS Pod Identity, as a platform team installs it before any application: the EBS CSI driver
// (an EKS add-on with its role), external-dns for one hosted zone and the AWS Load Balancer Controller. The two
// controllers' Helm charts are installed separately, with the service accounts named here.
import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ExampleClusterProps, exampleCluster, existingClusterFromContext, hostedZoneNameFromContext } from './example-cluster';
import { PodIdentityAddon, PodIdentityRole, WellKnownPolicy } from '../lib';

/** Props of the {@link PlatformExampleStack}. */
export interface PlatformExampleStackProps extends StackProps, ExampleClusterProps {
  /**
   * The name of the public hosted zone external-dns manages.
   *
   * @default - CDK context `hostedZoneName`, else `platform.example.com`
   */
  readonly hostedZoneName?: string;
}

/** The EBS CSI driver add-on, external-dns limited to one zone and the AWS Load Balancer Controller, on Pod Identity. */
export class PlatformExampleStack extends Stack {
  /** The cluster (new, or imported from context). */
  public readonly cluster: eks.ICluster;
  /** The `aws-ebs-csi-driver` add-on; its `ebs-csi-controller-sa` role holds `AmazonEBSCSIDriverPolicy`. */
  public readonly ebsCsiDriver: PodIdentityAddon;
  /** The one zone external-dns may change. */
  public readonly hostedZone: route53.PublicHostedZone;
  /** external-dns (`external-dns/external-dns`). */
  public readonly externalDns: PodIdentityRole;
  /** The AWS Load Balancer Controller (`kube-system/aws-load-balancer-controller`). */
  public readonly loadBalancerController: PodIdentityRole;

  constructor(scope: Construct, id: string, props: PlatformExampleStackProps = {}) {
    super(scope, id, props);
    this.cluster = exampleCluster(this, props.existingCluster ?? existingClusterFromContext(this));

    // The EKS documentation names the service account and AWS managed policy: nothing else to say.
    this.ebsCsiDriver = new PodIdentityAddon(this, 'EbsCsiDriver', { cluster: this.cluster, addonName: 'aws-ebs-csi-driver' });

    this.hostedZone = new route53.PublicHostedZone(this, 'Zone', {
      zoneName: props.hostedZoneName ?? hostedZoneNameFromContext(this),
      comment: 'cdk-eks-pod-identity platform example: the only zone external-dns may change',
    });
    const externalDns = WellKnownPolicy.externalDns({ hostedZones: [this.hostedZone] });
    this.externalDns = this.controllerRole('ExternalDns', externalDns);
    // external-dns has a namespace of its own (kube-system, where the controller runs, exists on every cluster).
    this.cluster.addManifest('ExternalDnsNamespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: externalDns.namespace } });
    this.loadBalancerController = this.controllerRole('LoadBalancerController', WellKnownPolicy.awsLoadBalancerController());

    new CfnOutput(this, 'ExternalDnsZoneId', {
      value: this.hostedZone.hostedZoneId,
      description: 'external-dns --zone-id-filter (its role may change records of this zone only)',
    });
  }

  /** A role with the preset's permissions, trusted only by the preset's conventional service account on the cluster. */
  private controllerRole(id: string, policy: WellKnownPolicy): PodIdentityRole {
    const role = new PodIdentityRole(this, id, {
      description: `${policy.name} (${policy.namespace}/${policy.serviceAccount}) through EKS Pod Identity`,
      wellKnownPolicies: [policy],
      scopeTrustToAssociations: true,
    });
    role.associate(this.cluster, { namespace: policy.namespace, serviceAccount: policy.serviceAccount });
    return role;
  }
}

