// Networking: Amazon VPC CNI, AWS App Mesh controller and Envoy.
import { Aws } from 'aws-cdk-lib';
import { Grant, NO_RESOURCE_LEVEL, PresetDefinition, accountArn, createServiceLinkedRole, requireArns, requireScope } from './grants';
import { AppMeshControllerOptions, AppMeshEnvoyOptions, VpcCniOptions } from './options';
import { knownAddonServiceAccount } from '../private/eks-facts';

/**
 * IPv4 upstream: the AWS managed policy `AmazonEKS_CNI_Policy`
 * (https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html), which the `vpc-cni` add-on documentation
 * prescribes; kept managed because AWS updates it with the CNI (a copy falls behind). IPv6 upstream: the
 * customer policy the same page gives (AWS publishes none), also terraform-aws-eks-pod-identity `aws_vpc_cni.tf`.
 */
export function vpcCni(options: VpcCniOptions): PresetDefinition {
  const base = { name: 'VpcCni', ...knownAddonServiceAccount('vpc-cni') };
  if (!options.ipv6) {
    return {
      ...base,
      grants: [],
      awsManagedPolicies: [{
        name: 'AmazonEKS_CNI_Policy',
        reason: 'AmazonEKS_CNI_Policy is the policy the EKS documentation and the vpc-cni add-on prescribe for IPv4 clusters; AWS updates it with the CNI, and most of its EC2 actions have no resource-level permissions',
      }],
    };
  }
  return {
    ...base,
    grants: [
      {
        actions: [
          'ec2:DescribeInstances', 'ec2:DescribeTags', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstanceTypes',
          'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets',
        ],
        resources: ['*'],
        wildcardReason: NO_RESOURCE_LEVEL,
      },
      {
        actions: ['ec2:AssignIpv6Addresses', 'ec2:CreateTags'],
        resources: [accountArn('ec2', 'network-interface/*')],
        wildcardReason: 'the network interfaces of the nodes, created at run time',
      },
    ],
  };
}

const MESHES = accountArn('appmesh', 'mesh/*');

/**
 * Upstream: https://github.com/aws/aws-app-mesh-controller-for-k8s/blob/master/config/iam/controller-iam-policy.json,
 * also terraform-aws-eks-pod-identity `aws_appmesh.tf`. Tighter: App Mesh, Cloud Map, ACM and Route 53 health check
 * actions on this account's resources of their type instead of `*`. (AWS App Mesh reaches end of support on
 * 30 September 2026.)
 */
export function appMeshController(_options: AppMeshControllerOptions): PresetDefinition {
  const appMeshActions = ['ListVirtualRouters', 'ListVirtualServices', 'ListRoutes', 'ListGatewayRoutes',
    'ListVirtualNodes', 'ListVirtualGateways', 'DescribeMesh', 'DescribeVirtualRouter', 'DescribeRoute',
    'DescribeVirtualNode', 'DescribeVirtualGateway', 'DescribeGatewayRoute', 'DescribeVirtualService', 'CreateMesh',
    'CreateVirtualRouter', 'CreateVirtualGateway', 'CreateVirtualService', 'CreateGatewayRoute', 'CreateRoute',
    'CreateVirtualNode', 'UpdateMesh', 'UpdateRoute', 'UpdateVirtualGateway', 'UpdateVirtualRouter',
    'UpdateGatewayRoute', 'UpdateVirtualService', 'UpdateVirtualNode', 'DeleteMesh', 'DeleteRoute',
    'DeleteVirtualRouter', 'DeleteGatewayRoute', 'DeleteVirtualService', 'DeleteVirtualNode', 'DeleteVirtualGateway'].map(action => `appmesh:${action}`);
  return {
    name: 'AppMeshController',
    namespace: 'appmesh-system',
    serviceAccount: 'appmesh-controller',
    grants: [
      {
        actions: appMeshActions,
        resources: [MESHES],
        wildcardReason: 'meshes and their virtual nodes, services, routers, routes and gateways are created from Kubernetes objects at run time; limited to App Mesh resources of this account',
      },
      createServiceLinkedRole('appmesh.amazonaws.com', 'AWSServiceRoleForAppMesh'),
      {
        actions: [
          'appmesh:ListMeshes', 'acm:ListCertificates', 'acm-pca:ListCertificateAuthorities',
          'servicediscovery:ListNamespaces', 'servicediscovery:ListServices', 'route53:CreateHealthCheck',
        ],
        resources: ['*'],
        wildcardReason: NO_RESOURCE_LEVEL,
      },
      {
        actions: [
          'acm:DescribeCertificate', 'acm-pca:DescribeCertificateAuthority',
          'servicediscovery:CreateService', 'servicediscovery:DeleteService', 'servicediscovery:GetService',
          'servicediscovery:GetInstance', 'servicediscovery:RegisterInstance', 'servicediscovery:DeregisterInstance',
          'servicediscovery:ListInstances', 'servicediscovery:GetInstancesHealthStatus',
          'servicediscovery:UpdateInstanceCustomHealthStatus', 'servicediscovery:GetOperation',
          'route53:GetHealthCheck', 'route53:UpdateHealthCheck', 'route53:DeleteHealthCheck',
          'route53:ChangeResourceRecordSets',
        ],
        resources: [
          accountArn('acm', 'certificate/*'), accountArn('acm-pca', 'certificate-authority/*'),
          accountArn('servicediscovery', 'namespace/*'), accountArn('servicediscovery', 'service/*'),
          `arn:${Aws.PARTITION}:route53:::healthcheck/*`, `arn:${Aws.PARTITION}:route53:::hostedzone/*`,
        ],
        wildcardReason: 'Cloud Map services, instances and their Route 53 records and health checks are created for meshed workloads at run time; certificates are whichever virtual nodes name',
      },
    ],
  };
}

/**
 * Upstream: https://github.com/aws/aws-app-mesh-controller-for-k8s/blob/master/config/iam/envoy-iam-policy.json,
 * also terraform-aws-eks-pod-identity `aws_appmesh.tf`. Tighter: streams only the given virtual nodes and
 * gateways, and exports only the given certificates (upstream: `*`).
 */
export function appMeshEnvoy(options: AppMeshEnvoyOptions): PresetDefinition {
  const nodes = requireArns('appMeshEnvoy', 'virtualNodeArns',
    requireScope('appMeshEnvoy', 'virtualNodeArns', options.virtualNodeArns, 'pass the ARNs of the virtual nodes or gateways the Envoys serve'),
    'appmesh');
  const grants: Grant[] = [{ actions: ['appmesh:StreamAggregatedResources'], resources: nodes }];
  const certificates = options.tlsCertificateArns ?? [];
  if (certificates.length > 0) {
    grants.push({ actions: ['acm:ExportCertificate', 'acm-pca:GetCertificateAuthorityCertificate'], resources: certificates });
  }
  return { name: 'AppMeshEnvoy', namespace: options.namespace, serviceAccount: options.serviceAccount, grants };
}
