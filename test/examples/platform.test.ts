import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { EXISTING_CLUSTER_CONTEXT, logicalIds, only } from './example-helpers';
import { logicalIdOf } from '../../examples/example-cluster';
import { PlatformExampleStack } from '../../examples/platform-stack';
import { kubernetesObjects } from '../helpers/manifests';
import { awsSolutionsErrors, formatFindings } from '../judges/cdk-nag';
import { IamSimulationJudge, PodOptions, assertPodMay, assertPodMayNot } from '../judges/iam-simulation';

const EBS_SA = 'ebs-csi-controller-sa';
const OTHER_ZONE = 'arn:aws:route53:::hostedzone/ZOTHERZONE';
const ELB_CLUSTER_TAG = 'elbv2.k8s.aws/cluster';
const EBS_CLUSTER_TAG = 'ebs.csi.aws.com/cluster';

/** Each role of the stack, with the pod (namespace, service account) it is for. */
function rolesOf(stack: PlatformExampleStack): Array<{ name: string; role: IConstruct; pod: Required<Pick<PodOptions, 'namespace' | 'serviceAccount'>> }> {
  return [
    { name: 'EBS CSI driver', role: stack.ebsCsiDriver.roleOf(EBS_SA), pod: { namespace: 'kube-system', serviceAccount: EBS_SA } },
    { name: 'external-dns', role: stack.externalDns, pod: { namespace: 'external-dns', serviceAccount: 'external-dns' } },
    { name: 'AWS Load Balancer Controller', role: stack.loadBalancerController, pod: { namespace: 'kube-system', serviceAccount: 'aws-load-balancer-controller' } },
  ];
}

/** Proves each role's scope on a synthesized stack whose cluster is named `clusterName` in the template. */
function describeScopes(stack: PlatformExampleStack, template: Template, judge: IamSimulationJudge) {
  const zoneArn = `arn:aws:route53:::hostedzone/${judge.refOf(logicalIdOf(stack.hostedZone))}`;
  const ebs = { namespace: 'kube-system' };
  const volume = `arn:aws:ec2:${judge.region}:${judge.account}:volume/vol-0123456789abcdef0`;
  const loadBalancer = `arn:aws:elasticloadbalancing:${judge.region}:${judge.account}:loadbalancer/app/k8s-shop-web/0123456789abcdef`;
  const clusterName = () => {
    const [, association] = only(template, 'AWS::EKS::PodIdentityAssociation', { Properties: { ServiceAccount: 'aws-load-balancer-controller' } });
    return judge.resolve(association.Properties.ClusterName);
  };

  test('external-dns may change and list records of its zone, and only list the zones', async () => {
    for (const action of ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets']) {
      await assertPodMay(judge, stack.externalDns, action, zoneArn);
    }
    await assertPodMay(judge, stack.externalDns, 'route53:ListHostedZones', '*');
  });

  test('external-dns may not change another zone, nor delete its own', async () => {
    await assertPodMayNot(judge, stack.externalDns, 'route53:ChangeResourceRecordSets', OTHER_ZONE);
    // Reading records stays allowed everywhere, as upstream: external-dns reads every zone its filters let through.
    await assertPodMay(judge, stack.externalDns, 'route53:ListResourceRecordSets', OTHER_ZONE);
    await assertPodMayNot(judge, stack.externalDns, 'route53:DeleteHostedZone', zoneArn);
    await assertPodMayNot(judge, stack.externalDns, 'route53:CreateHostedZone', '*');
  });

  test('the LB controller may create load balancers tagged for its own cluster, and change only those', async () => {
    const own = { [`aws:RequestTag/${ELB_CLUSTER_TAG}`]: clusterName() };
    await assertPodMay(judge, stack.loadBalancerController, 'elasticloadbalancing:CreateLoadBalancer', loadBalancer, { context: own });
    await assertPodMay(judge, stack.loadBalancerController, 'elasticloadbalancing:DeleteLoadBalancer', loadBalancer,
      { context: { [`aws:ResourceTag/${ELB_CLUSTER_TAG}`]: clusterName() } });
  });

  test('the LB controller may not create untagged or other clusters\' load balancers, nor touch theirs', async () => {
    const role = stack.loadBalancerController;
    await assertPodMayNot(judge, role, 'elasticloadbalancing:CreateLoadBalancer', loadBalancer);
    await assertPodMayNot(judge, role, 'elasticloadbalancing:CreateLoadBalancer', loadBalancer,
      { context: { [`aws:RequestTag/${ELB_CLUSTER_TAG}`]: 'another-cluster' } });
    await assertPodMayNot(judge, role, 'elasticloadbalancing:DeleteLoadBalancer', loadBalancer,
      { context: { [`aws:ResourceTag/${ELB_CLUSTER_TAG}`]: 'another-cluster' } });
    await assertPodMayNot(judge, role, 'elasticloadbalancing:CreateLoadBalancer',
      'arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/app/k8s-shop-web/0123456789abcdef',
      { context: { [`aws:RequestTag/${ELB_CLUSTER_TAG}`]: clusterName() } });
    await assertPodMayNot(judge, role, 'ec2:TerminateInstances', `arn:aws:ec2:${judge.region}:${judge.account}:instance/i-0123456789abcdef0`);
    await assertPodMayNot(judge, role, 'route53:ChangeResourceRecordSets', zoneArn);
  });

  test('the EBS CSI driver may create volumes it tags (AmazonEBSCSIDriverPolicy), and no untagged ones', async () => {
    const role = stack.ebsCsiDriver.roleOf(EBS_SA);
    await assertPodMay(judge, role, 'ec2:CreateVolume', volume, { ...ebs, context: { [`aws:RequestTag/${EBS_CLUSTER_TAG}`]: 'true' } });
    await assertPodMay(judge, role, 'ec2:DeleteVolume', volume, { ...ebs, context: { [`ec2:ResourceTag/${EBS_CLUSTER_TAG}`]: 'true' } });
    await assertPodMayNot(judge, role, 'ec2:CreateVolume', volume, ebs);
    await assertPodMayNot(judge, role, 'ec2:DeleteVolume', volume, ebs);
    await assertPodMayNot(judge, role, 'route53:ChangeResourceRecordSets', zoneArn, ebs);
  });

  test('each role may be assumed by its own service account on this cluster only', async () => {
    const roles = rolesOf(stack);
    for (const { name, role, pod } of roles) {
      const tags = (overrides: Record<string, string> = {}) => ({ sessionTags: judge.eksSessionTags(role, pod, overrides) });
      expect([name, await judge.trustAllows(role, tags())]).toEqual([name, 'Allowed']);
      for (const other of roles.filter(candidate => candidate.role !== role)) {
        const as = { 'kubernetes-namespace': other.pod.namespace, 'kubernetes-service-account': other.pod.serviceAccount };
        expect([name, other.name, await judge.trustAllows(role, tags(as))]).toEqual([name, other.name, 'ImplicitlyDenied']);
      }
      // The EBS CSI node DaemonSet runs in kube-system too, and needs no AWS permissions.
      expect([name, await judge.trustAllows(role, tags({ 'kubernetes-service-account': 'ebs-csi-node-sa' }))]).toEqual([name, 'ImplicitlyDenied']);
      expect([name, await judge.trustAllows(role, tags({ 'eks-cluster-name': 'another-cluster' }))]).toEqual([name, 'ImplicitlyDenied']);
      expect([name, await judge.trustAllows(role, { ...tags(), principal: 'ec2.amazonaws.com' })]).toEqual([name, 'ImplicitlyDenied']);
    }
  });

  test('cdk-nag AwsSolutions: no unacknowledged errors', () => {
    expect(formatFindings(awsSolutionsErrors(stack))).toEqual([]);
  });
}

describe('PlatformExampleStack on a new cluster', () => {
  const stack = new PlatformExampleStack(new App(), 'Platform');
  const template = Template.fromStack(stack);
  const judge = IamSimulationJudge.fromTemplate(template, stack);
  const clusterId = logicalIdOf(stack.cluster);

  test('creates the VPC, the cluster, the agent add-on and one public hosted zone', () => {
    template.resourceCountIs('AWS::EKS::Cluster', 1);
    only(template, 'AWS::EKS::Addon', { Properties: { AddonName: 'eks-pod-identity-agent', ClusterName: { Ref: clusterId } } });
    only(template, 'AWS::Route53::HostedZone', { Properties: { Name: 'platform.example.com.' } });
  });

  test('the EBS CSI add-on carries its Pod Identity association, with a role of its own holding AmazonEBSCSIDriverPolicy', () => {
    const roleId = judge.roleLogicalId(stack.ebsCsiDriver.roleOf(EBS_SA));
    const [agentId] = only(template, 'AWS::EKS::Addon', { Properties: { AddonName: 'eks-pod-identity-agent' } });
    const [, addon] = only(template, 'AWS::EKS::Addon', { Properties: { AddonName: 'aws-ebs-csi-driver' } });
    expect(addon.Properties).toEqual({
      AddonName: 'aws-ebs-csi-driver',
      ClusterName: { Ref: clusterId },
      PodIdentityAssociations: [{ ServiceAccount: EBS_SA, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } }],
      PreserveOnDelete: true,
      ResolveConflicts: 'OVERWRITE',
    });
    expect(addon.DependsOn).toContain(agentId);
    expect(judge.identityPolicies(roleId).map(policy => policy.name)).toEqual(['arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy']);
    // The add-on owns the association: no AWS::EKS::PodIdentityAssociation of its own.
    expect(template.findResources('AWS::EKS::PodIdentityAssociation', { Properties: { ServiceAccount: EBS_SA } })).toEqual({});
  });

  test('one association per controller role, for the service account its preset names', () => {
    expect(logicalIds(template, 'AWS::EKS::PodIdentityAssociation')).toHaveLength(2);
    for (const [role, namespace, serviceAccount] of [
      [stack.externalDns, 'external-dns', 'external-dns'],
      [stack.loadBalancerController, 'kube-system', 'aws-load-balancer-controller'],
    ] as const) {
      only(template, 'AWS::EKS::PodIdentityAssociation', {
        Properties: { ClusterName: { Ref: clusterId }, Namespace: namespace, ServiceAccount: serviceAccount, RoleArn: { 'Fn::GetAtt': [judge.roleLogicalId(role), 'Arn'] } },
      });
    }
  });

  test('external-dns\'s policy changes records of this zone and no other; the stack creates its namespace', () => {
    const zoneId = logicalIdOf(stack.hostedZone);
    const statements = judge.identityPolicies(judge.roleLogicalId(stack.externalDns)).flatMap(({ policy }) => [policy.Statement].flat());
    const resources = statements.flatMap((statement: any) => [statement.Resource].flat());
    expect([...new Set(resources)].sort()).toEqual(['*', 'arn:aws:route53:::hostedzone/*', `arn:aws:route53:::hostedzone/${zoneId}`]);
    const writes = statements.filter((statement: any) => [statement.Action].flat().includes('route53:ChangeResourceRecordSets'));
    expect(writes.flatMap((statement: any) => [statement.Resource].flat())).toEqual([`arn:aws:route53:::hostedzone/${zoneId}`]);
    template.hasOutput('ExternalDnsZoneId', { Value: { Ref: zoneId } });
    expect(kubernetesObjects(template).map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/external-dns']);
  });

  test('the LB controller\'s preset is two customer managed policies; every cluster tag it matches is the pod\'s own cluster', () => {
    const policies = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: judge.roleLogicalId(stack.loadBalancerController) }] } });
    expect(Object.keys(policies)).toHaveLength(2);
    const tagValues = Object.values(policies)
      .flatMap((policy: any) => [policy.Properties.PolicyDocument.Statement].flat())
      .flatMap((statement: any) => Object.entries(statement.Condition?.StringEquals ?? {})
        .filter(([key]) => key.endsWith(ELB_CLUSTER_TAG)).map(([, value]) => value));
    expect(tagValues.length).toBeGreaterThan(0);
    expect(new Set(tagValues)).toEqual(new Set(['${aws:PrincipalTag/eks-cluster-name}']));
  });

  test('associations wait for the agent and their role\'s policies', () => {
    const [agentId] = only(template, 'AWS::EKS::Addon', { Properties: { AddonName: 'eks-pod-identity-agent' } });
    for (const [, association] of Object.entries(template.findResources('AWS::EKS::PodIdentityAssociation'))) {
      const roleId = association.Properties.RoleArn['Fn::GetAtt'][0];
      const policyIds = logicalIds(template, 'AWS::IAM::ManagedPolicy')
        .filter(id => template.toJSON().Resources[id].Properties.Roles.some((role: any) => role.Ref === roleId));
      expect(association.DependsOn).toEqual(expect.arrayContaining([agentId, ...policyIds]));
    }
  });

  describeScopes(stack, template, judge);
});

describe('PlatformExampleStack on an existing cluster (CDK context)', () => {
  const stack = new PlatformExampleStack(new App({ context: { ...EXISTING_CLUSTER_CONTEXT, hostedZoneName: 'apps.example.org' } }), 'Platform');
  const template = Template.fromStack(stack);
  const judge = IamSimulationJudge.fromTemplate(template, stack);

  test('imports the cluster and puts the add-on and the associations on it; the zone name comes from context', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::EKS::Cluster', 'AWS::EKS::Nodegroup']) expect(logicalIds(template, type)).toEqual([]);
    template.hasResourceProperties('AWS::EKS::Addon', {
      ClusterName: 'demo', AddonName: 'aws-ebs-csi-driver', PodIdentityAssociations: [Match.objectLike({ ServiceAccount: EBS_SA })],
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'demo', Namespace: 'external-dns', ServiceAccount: 'external-dns' });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'demo', Namespace: 'kube-system', ServiceAccount: 'aws-load-balancer-controller' });
    only(template, 'AWS::Route53::HostedZone', { Properties: { Name: 'apps.example.org.' } });
  });

  describeScopes(stack, template, judge);
});
