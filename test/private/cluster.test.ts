// A workload or a fleet on a plain cluster reference (`eks.IClusterRef`: name and ARN, no kubectl provider): GitOps
// delivery needs only the cluster's name and works; kubectl delivery, and IRSA migration (an OIDC provider), are
// refused with a problem id, never a raw TypeError. Java, C#, Go and Python users type the cluster as IClusterRef.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { ManifestDelivery, PodIdentityBoundWorkload, PodIdentityErrors, WorkloadFleet } from '../../lib';
import { ACCOUNT, ENV, REGION } from '../helpers/clusters';
import { tempDir } from '../helpers/temp-dir';

const IMAGE = 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0';
const NAME = 'by-name';
const ARN = `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${NAME}`;
const KUBERNETES_RESOURCE = 'Custom::AWSCDK-EKS-KubernetesResource';

type ReferenceKind = 'CfnCluster.fromClusterName' | 'hand-made IClusterRef';
const REFERENCE_KINDS: ReferenceKind[] = ['CfnCluster.fromClusterName', 'hand-made IClusterRef'];

/** A cluster reference of each kind a Java/C#/Go/Python user can pass, for cluster `by-name`. */
function reference(kind: ReferenceKind, scope: Construct): eks.IClusterRef {
  if (kind === 'CfnCluster.fromClusterName') return eks.CfnCluster.fromClusterName(scope, 'Ref', NAME);
  return new ClusterByName(scope, 'HandMade');
}

/** What a user of any language can write: a construct implementing IClusterRef (name, ARN, environment). */
class ClusterByName extends Construct implements eks.IClusterRef {
  public readonly clusterRef = { clusterName: NAME, clusterArn: ARN };
  public readonly env = { account: ACCOUNT, region: REGION };
}

function newApp(): App {
  return new App({ outdir: tempDir() });
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

function errorIds(stack: Stack): string[] {
  return Annotations.fromStack(stack).findError('*', Match.anyValue()).map(entry => String(entry.entry.data));
}

describe.each(REFERENCE_KINDS)('PodIdentityBoundWorkload on a %s', kind => {
  test('GitOps delivery works: the association names the cluster, the YAML goes to its folder, no kubectl resource', () => {
    const app = newApp();
    const stack = new Stack(app, 'Shop', { env: ENV });
    const directory = tempDir();
    const cluster = reference(kind, stack);
    const workload = new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'shop', image: IMAGE, delivery: ManifestDelivery.gitOps({ directory }) });
    app.synth();

    expect(workload.association.cluster).toBe(cluster);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: NAME, Namespace: 'shop', ServiceAccount: 'carts' });
    template.hasResourceProperties('AWS::EKS::Addon', { ClusterName: NAME, AddonName: 'eks-pod-identity-agent' });
    template.resourceCountIs(KUBERNETES_RESOURCE, 0);
    const folder = path.join(directory, NAME, 'shop');
    expect(fs.readdirSync(folder).sort()).toEqual(['carts.workload.yaml', 'kustomization.yaml', 'namespace.yaml']);
    expect(fs.readFileSync(path.join(folder, 'carts.workload.yaml'), 'utf8')).toContain(`image: ${IMAGE}`);
    expect(errorIds(stack)).toEqual([]);
  });

  test.each([
    ['the default delivery', undefined],
    ['ManifestDelivery.kubectl()', ManifestDelivery.kubectl()],
  ])('%s (kubectl) is refused with UnsupportedCluster, naming the reference and the GitOps way out', (_name, delivery) => {
    const stack = new Stack(newApp(), 'Shop', { env: ENV });
    const cluster = reference(kind, stack);
    const error = thrown(() => new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'shop', image: IMAGE, delivery }));
    expect(PodIdentityErrors.problemIdOf(error)).toBe('UnsupportedCluster');
    expect(error.message).toContain(cluster.node.path);
    expect(error.message).toContain('ManifestDelivery.gitOps');
  });

  test('IRSA migration needs the cluster\'s OIDC provider: refused with NoOpenIdConnectProvider', () => {
    const stack = new Stack(newApp(), 'Shop', { env: ENV });
    const cluster = reference(kind, stack);
    const error = thrown(() => new PodIdentityBoundWorkload(stack, 'Carts', {
      cluster, namespace: 'shop', image: IMAGE, migratingFromIrsa: true, delivery: ManifestDelivery.gitOps({ directory: tempDir() }),
    }));
    expect(PodIdentityErrors.problemIdOf(error)).toBe('NoOpenIdConnectProvider');
    expect(error.message).toContain('fromClusterAttributes');
  });
});

test('an L1 CfnCluster this app creates works with GitOps delivery given a cluster folder (its name is a token)', () => {
  const app = newApp();
  const stack = new Stack(app, 'Shop', { env: ENV });
  const directory = tempDir();
  const cluster = new eks.CfnCluster(stack, 'L1', {
    roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
    resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] },
  });
  new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'shop', image: IMAGE, delivery: ManifestDelivery.gitOps({ directory, clusterFolder: 'l1' }) });
  app.synth();
  Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: { Ref: 'L1' } });
  expect(fs.existsSync(path.join(directory, 'l1', 'shop', 'carts.workload.yaml'))).toBe(true);
});

describe('the app checks on a cluster reference', () => {
  function gitOpsWorkloadOnReference() {
    const app = newApp();
    const stack = new Stack(app, 'Shop', { env: ENV });
    const cluster = eks.CfnCluster.fromClusterName(stack, 'Ref', NAME);
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'shop', image: IMAGE, delivery: ManifestDelivery.gitOps({ directory: tempDir() }) });
    return { app, stack };
  }

  test('a Fargate profile of the referenced cluster selecting the namespace: FargateUnsupported', () => {
    const { stack } = gitOpsWorkloadOnReference();
    new eks.CfnFargateProfile(stack, 'Profile', {
      clusterName: NAME,
      podExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/fargate`,
      selectors: [{ namespace: 'shop' }],
    });
    expect(errorIds(stack).join('\n')).toMatch(/\[cdk-eks-pod-identity:FargateUnsupported\]/);
  });

  test('only Windows node groups on the referenced cluster: NoLinuxCapacity', () => {
    const { stack } = gitOpsWorkloadOnReference();
    new eks.CfnNodegroup(stack, 'Windows', {
      clusterName: NAME,
      nodeRole: `arn:aws:iam::${ACCOUNT}:role/nodes`,
      subnets: ['subnet-1'],
      amiType: 'WINDOWS_CORE_2022_x86_64',
    });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(entry => String(entry.entry.data));
    expect(warnings.join('\n')).toMatch(/\[cdk-eks-pod-identity:NoLinuxCapacity\]/);
  });
});

describe('WorkloadFleet on a cluster reference', () => {
  function fleetOnReference(props: { specFile?: string } = {}) {
    const app = newApp();
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const cluster = eks.CfnCluster.fromClusterName(clusterStack, 'Ref', NAME);
    const fleet = new WorkloadFleet(app, 'Fleet', { cluster, stackCount: 2, ...props });
    return { app, clusterStack, cluster, fleet };
  }

  test('GitOps workloads are placed in the fleet stacks; the fleet keeps the reference; the add-on stays with the cluster', () => {
    const { app, clusterStack, cluster, fleet } = fleetOnReference();
    const directory = tempDir();
    const delivery = ManifestDelivery.gitOps({ directory });
    for (const id of ['orders', 'carts', 'ui']) fleet.addWorkload(id, { namespace: id, image: IMAGE, delivery });
    app.synth();

    expect(fleet.cluster).toBe(cluster);
    Template.fromStack(clusterStack).hasResourceProperties('AWS::EKS::Addon', { ClusterName: NAME });
    for (const workload of fleet.workloads) {
      const template = Template.fromStack(Stack.of(workload));
      template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: NAME, Namespace: workload.namespace });
      template.resourceCountIs(KUBERNETES_RESOURCE, 0);
      expect(fs.existsSync(path.join(directory, NAME, workload.namespace, `${workload.node.id}.workload.yaml`))).toBe(true);
    }
  });

  test('a workload delivered with kubectl is refused with UnsupportedCluster, naming the workload', () => {
    const { fleet } = fleetOnReference();
    const error = thrown(() => fleet.addWorkload('carts', { namespace: 'carts', image: IMAGE }));
    expect(PodIdentityErrors.problemIdOf(error)).toBe('UnsupportedCluster');
    expect(error.message).toContain('Fleet/Workloads');
  });

  test('a spec file (kubectl delivery) is refused with UnsupportedCluster, naming the file entry', () => {
    const file = path.join(tempDir(), 'fleet.json');
    fs.writeFileSync(file, JSON.stringify([{ id: 'carts', namespace: 'carts', image: IMAGE }]));
    const error = thrown(() => fleetOnReference({ specFile: file }));
    expect(PodIdentityErrors.problemIdOf(error)).toBe('UnsupportedCluster');
    expect(error.message).toContain('fleet.json');
  });
});
