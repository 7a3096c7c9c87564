// Adversarial table: deploy order and identity. A workload that uses a namespace another construct of the app creates
// must be applied after it; two workloads must not own one Deployment; one cluster referenced twice (created and
// imported) is one cluster; built-in namespaces are never created; Fargate selectors match with EKS wildcards.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, Stack, Stage } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { adversarialTable } from './harness';
import { ManifestDelivery, PodIdentityAgentAddon, PodIdentityAssociation, PodIdentityBoundWorkload, PodIdentityBoundWorkloadProps, PodIdentityRole, WorkloadFleet } from '../../lib';
import { ACCOUNT, ENV, importedEksV2Cluster, KUBECTL_LAYER_ARN, newEksV2Cluster } from '../helpers/clusters';

const IMAGE = 'public.ecr.aws/nginx/nginx:1.27';
const MANIFEST_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';
const HELM_TYPE = 'Custom::AWSCDK-EKS-HelmChart';

type Cluster = eks.ICluster | eksv2.ICluster;

function app1(): { app: App; stack: Stack; cluster: Cluster } {
  const app = new App();
  const stack = new Stack(app, 'Shop', { env: ENV });
  return { app, stack, cluster: importedEksV2Cluster(stack, 'Cluster', 'prod') };
}

function workload(scope: Stack, id: string, cluster: Cluster, props: Partial<PodIdentityBoundWorkloadProps>): PodIdentityBoundWorkload {
  return new PodIdentityBoundWorkload(scope, id, { cluster, namespace: 'shop', image: IMAGE, ...props });
}

/** The logical id of a construct's CloudFormation resource (its default child). */
function logicalIdOf(construct: PodIdentityBoundWorkload['manifest']): string {
  const resource = construct.node.defaultChild as eks.CfnAddon;
  return Stack.of(construct).resolve(resource.logicalId);
}

/** The DependsOn of a resource of a stack, as synthesized. */
function dependsOnOf(assembly: CloudAssembly, stack: Stack, logicalId: string): string[] {
  return assembly.getStackArtifact(stack.artifactId).template.Resources[logicalId].DependsOn ?? [];
}

function stackDependencies(assembly: CloudAssembly, stack: Stack): string[] {
  return assembly.getStackArtifact(stack.artifactId).dependencies.map(d => d.id);
}

function resourcesOfType(assembly: CloudAssembly, stack: Stack, type: string): string[] {
  const resources = assembly.getStackArtifact(stack.artifactId).template.Resources;
  return Object.keys(resources).filter(id => resources[id].Type === type);
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ordering-'));
}

let holder: { user?: PodIdentityBoundWorkload; creator?: PodIdentityBoundWorkload; stacks?: Stack[] } = {};

/** A new aws_eks_v2 cluster with a literal name (node groups: the agent add-on is created). */
function namedCluster(stack: Stack, id: string, clusterName: string): eksv2.Cluster {
  return new eksv2.Cluster(stack, id, {
    clusterName,
    version: eksv2.KubernetesVersion.V1_33,
    defaultCapacityType: eksv2.DefaultCapacityType.NODEGROUP,
    defaultCapacity: 0,
    kubectlProviderOptions: { kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, `${id}Layer`, KUBECTL_LAYER_ARN) },
  });
}

/** A cluster stack with the agent add-on, and two stacks (creators, users) on imports of its cluster prod. */
function crossStackApp(): { app: App; creators: Stack; users: Stack } {
  const app = new App();
  PodIdentityAgentAddon.of(importedEksV2Cluster(new Stack(app, 'Cluster', { env: ENV }), 'Cluster', 'prod'));
  return { app, creators: new Stack(app, 'Creators', { env: ENV }), users: new Stack(app, 'Users', { env: ENV }) };
}

/**
 * Stacks Base (a scoped role shared by both) and Apps, each importing cluster prod with a workload; Apps' workload is
 * made first, so the agent add-on lands in Apps unless `agentInBase`, and Base's association must wait for it while
 * Apps refers to Base's role.
 */
function sharedRoleStacks(agentInBase: boolean): { app: App; base: Stack; apps: Stack } {
  const app = new App();
  const base = new Stack(app, 'Base', { env: ENV });
  const apps = new Stack(app, 'Apps', { env: ENV });
  const baseCluster = importedEksV2Cluster(base, 'Cluster', 'prod');
  const appsCluster = importedEksV2Cluster(apps, 'Cluster', 'prod');
  if (agentInBase) PodIdentityAgentAddon.of(baseCluster);
  const role = new PodIdentityRole(base, 'Shared', { scopeTrustToAssociations: true });
  workload(apps, 'Web', appsCluster, { namespace: 'web', role });
  workload(base, 'Api', baseCluster, { namespace: 'api', role });
  return { app, base, apps };
}

adversarialTable([
  {
    name: 'the agent add-on made in the stack that refers back to the association\'s stack: AgentAddonOrderCycle (not CDK\'s raw cycle error)',
    build: () => sharedRoleStacks(false).app,
    expect: { error: 'AgentAddonOrderCycle' },
  },
  {
    // The policies an association waits for are searched in its role's stack, child stacks included: a Stack made
    // inside another (not a NestedStack) deploys on its own, so the outer stack then waits for it.
    name: 'a policy for the role made in a stack inside the role\'s stack, which uses the agent add-on of the outer stack: AgentAddonOrderCycle (not CDK\'s raw cycle error)',
    build: () => {
      const app = new App();
      const outer = new Stack(app, 'Outer', { env: ENV });
      const role = iam.Role.fromRoleArn(outer, 'Role', `arn:aws:iam::${ACCOUNT}:role/app`);
      new PodIdentityAssociation(outer, 'First', { cluster: importedEksV2Cluster(outer, 'Cluster', 'prod'), namespace: 'a', serviceAccount: 'a', role });
      const inner = new Stack(outer, 'Permissions', { env: ENV });
      new iam.Policy(inner, 'Extra', { roles: [role], statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [`arn:aws:sqs:${ENV.region}:${ACCOUNT}:jobs`] })] });
      new PodIdentityAssociation(inner, 'Second', { cluster: importedEksV2Cluster(inner, 'Cluster', 'prod'), namespace: 'b', serviceAccount: 'b', role });
      return app;
    },
    expect: { error: 'AgentAddonOrderCycle' },
  },
  {
    name: 'near miss, accepted: the agent add-on placed in the base stack first; the other stack waits for it',
    build: () => sharedRoleStacks(true).app,
    expect: {
      correct: (assembly, app) => {
        const apps = app.node.findChild('Apps') as Stack;
        expect(stackDependencies(assembly, apps)).toContain('Base');
        expect(resourcesOfType(assembly, app.node.findChild('Base') as Stack, 'AWS::EKS::Addon')).toHaveLength(1);
      },
    },
  },
  // 1. Namespace ordering.
  {
    name: 'user of a namespace made before its creator (same stack): its manifest DependsOn the creator\'s manifest',
    build: () => {
      const { app, stack, cluster } = app1();
      const user = workload(stack, 'Orders', cluster, { createNamespace: false });
      const creator = workload(stack, 'Cart', cluster, {});
      holder = { user, creator, stacks: [stack] };
      return app;
    },
    expect: {
      correct: assembly => {
        const { user, creator, stacks } = holder;
        expect(dependsOnOf(assembly, stacks![0], logicalIdOf(user!.manifest))).toContain(logicalIdOf(creator!.manifest));
        expect(dependsOnOf(assembly, stacks![0], logicalIdOf(creator!.manifest))).not.toContain(logicalIdOf(user!.manifest));
      },
    },
  },
  {
    name: 'user of a namespace made after its creator (same stack): its manifest DependsOn the creator\'s manifest',
    build: () => {
      const { app, stack, cluster } = app1();
      const creator = workload(stack, 'Cart', cluster, {});
      const user = workload(stack, 'Orders', cluster, { createNamespace: false });
      holder = { user, creator, stacks: [stack] };
      return app;
    },
    expect: {
      correct: assembly => {
        const { user, creator, stacks } = holder;
        expect(dependsOnOf(assembly, stacks![0], logicalIdOf(user!.manifest))).toContain(logicalIdOf(creator!.manifest));
      },
    },
  },
  {
    name: 'user and creator in two stacks (user first): the user\'s stack depends on the creator\'s stack',
    build: () => {
      const app = new App();
      const clusterStack = new Stack(app, 'Cluster', { env: ENV });
      PodIdentityAgentAddon.of(importedEksV2Cluster(clusterStack, 'Cluster', 'prod'));
      const users = new Stack(app, 'Users', { env: ENV });
      const creators = new Stack(app, 'Creators', { env: ENV });
      workload(users, 'Orders', importedEksV2Cluster(users, 'Cluster', 'prod'), { createNamespace: false });
      workload(creators, 'Cart', importedEksV2Cluster(creators, 'Cluster', 'prod'), {});
      holder = { stacks: [users, creators] };
      return app;
    },
    expect: {
      correct: assembly => {
        const [users, creators] = holder.stacks!;
        expect(stackDependencies(assembly, users)).toContain(creators.artifactId);
        expect(stackDependencies(assembly, creators)).not.toContain(users.artifactId);
      },
    },
  },
  {
    name: 'user and creator in two stacks of a Stage (as in CDK Pipelines): the user\'s stack depends on the creator\'s',
    build: () => {
      const app = new App();
      const stage = new Stage(app, 'Prod');
      const clusterStack = new Stack(stage, 'Cluster', { env: ENV });
      PodIdentityAgentAddon.of(importedEksV2Cluster(clusterStack, 'Cluster', 'prod'));
      const users = new Stack(stage, 'Users', { env: ENV });
      const creators = new Stack(stage, 'Creators', { env: ENV });
      workload(users, 'Orders', importedEksV2Cluster(users, 'Cluster', 'prod'), { createNamespace: false });
      workload(creators, 'Cart', importedEksV2Cluster(creators, 'Cluster', 'prod'), {});
      holder = { stacks: [users, creators] };
      return app;
    },
    expect: {
      correct: assembly => {
        const [users, creators] = holder.stacks!;
        const nested = assembly.getNestedAssembly(Stage.of(users)!.artifactId);
        expect(nested.getStackArtifact(users.artifactId).dependencies.map(d => d.id)).toContain(creators.artifactId);
      },
    },
  },
  {
    name: 'WorkloadFleet: a fleet workload using a namespace another fleet stack creates waits for that stack',
    build: () => {
      const app = new App();
      const clusterStack = new Stack(app, 'Cluster', { env: ENV });
      const fleet = new WorkloadFleet(app, 'Fleet', { cluster: importedEksV2Cluster(clusterStack, 'Cluster', 'prod'), stackCount: 8 });
      // Ids chosen to land in different stacks (asserted below).
      const user = fleet.addWorkload('orders', { namespace: 'shop', image: IMAGE, createNamespace: false });
      const creator = fleet.addWorkload('cart', { namespace: 'shop', image: IMAGE });
      holder = { user, creator, stacks: [Stack.of(user), Stack.of(creator)] };
      return app;
    },
    expect: {
      correct: assembly => {
        const [users, creators] = holder.stacks!;
        expect(users).not.toBe(creators);
        expect(stackDependencies(assembly, users)).toContain(creators.artifactId);
      },
    },
  },
  {
    name: 'user and creator in two stacks, the agent add-on in the user\'s stack (the creator waits for it): NamespaceOrderCycle',
    build: () => {
      const app = new App();
      const users = new Stack(app, 'Users', { env: ENV });
      const creators = new Stack(app, 'Creators', { env: ENV });
      workload(users, 'Orders', importedEksV2Cluster(users, 'Cluster', 'prod'), { createNamespace: false });
      workload(creators, 'Cart', importedEksV2Cluster(creators, 'Cluster', 'prod'), {});
      return app;
    },
    expect: { error: 'NamespaceOrderCycle' },
  },
  {
    name: 'two stacks each creating one namespace and using the other\'s: NamespaceOrderCycle, not CDK\'s raw cycle error',
    build: () => {
      const app = new App();
      PodIdentityAgentAddon.of(importedEksV2Cluster(new Stack(app, 'Cluster', { env: ENV }), 'Cluster', 'prod'));
      const a = new Stack(app, 'A', { env: ENV });
      const b = new Stack(app, 'B', { env: ENV });
      const clusterA = importedEksV2Cluster(a, 'Cluster', 'prod');
      const clusterB = importedEksV2Cluster(b, 'Cluster', 'prod');
      workload(a, 'Cart', clusterA, { namespace: 'ns1' });
      workload(a, 'Orders', clusterA, { namespace: 'ns2', createNamespace: false });
      workload(b, 'Ui', clusterB, { namespace: 'ns2' });
      workload(b, 'Assets', clusterB, { namespace: 'ns1', createNamespace: false });
      return app;
    },
    expect: { error: 'NamespaceOrderCycle' },
  },
  {
    name: 'WorkloadFleet whose stacks create namespaces each other uses (placement is by id): NamespaceOrderCycle',
    build: () => {
      const app = new App();
      const clusterStack = new Stack(app, 'Cluster', { env: ENV });
      const fleet = new WorkloadFleet(app, 'Fleet', { cluster: importedEksV2Cluster(clusterStack, 'Cluster', 'prod'), stackCount: 2 });
      // Stack 0: cart, checkout; stack 1: orders, assets (asserted below).
      const placed = [
        fleet.addWorkload('cart', { namespace: 'ns1', image: IMAGE }),
        fleet.addWorkload('checkout', { namespace: 'ns2', image: IMAGE, createNamespace: false }),
        fleet.addWorkload('orders', { namespace: 'ns2', image: IMAGE }),
        fleet.addWorkload('assets', { namespace: 'ns1', image: IMAGE, createNamespace: false }),
      ];
      expect(placed.map(w => Stack.of(w).node.id)).toEqual(['Workloads0', 'Workloads0', 'Workloads1', 'Workloads1']);
      return app;
    },
    expect: { error: 'NamespaceOrderCycle' },
  },
  // Stack dependencies CDK adds only in its prepare phase (after the aspects): cross-stack references and construct
  // dependencies. The namespace order must see them: NamespaceOrderCycle, never CDK's raw "cyclic reference" error.
  {
    name: 'creator granted access to a queue in the user\'s stack (a reference back): NamespaceOrderCycle, not CDK\'s raw cycle error',
    build: () => {
      const { app, creators, users } = crossStackApp();
      const queue = new sqs.Queue(users, 'Queue');
      queue.grantSendMessages(workload(creators, 'Cart', importedEksV2Cluster(creators, 'Cluster', 'prod'), {}));
      workload(users, 'Orders', importedEksV2Cluster(users, 'Cluster', 'prod'), { createNamespace: false });
      return app;
    },
    expect: { error: 'NamespaceOrderCycle' },
  },
  {
    name: 'creator with an env var naming a queue in the user\'s stack (a reference back): NamespaceOrderCycle',
    build: () => {
      const { app, creators, users } = crossStackApp();
      const queue = new sqs.Queue(users, 'Queue');
      workload(creators, 'Cart', importedEksV2Cluster(creators, 'Cluster', 'prod'), { env: { QUEUE: queue.queueUrl } });
      workload(users, 'Orders', importedEksV2Cluster(users, 'Cluster', 'prod'), { createNamespace: false });
      return app;
    },
    expect: { error: 'NamespaceOrderCycle' },
  },
  {
    name: 'creator referencing a third stack that references the user\'s stack (transitive): NamespaceOrderCycle',
    build: () => {
      const { app, creators, users } = crossStackApp();
      const queues = new Stack(app, 'Queues', { env: ENV });
      const deadLetters = new sqs.Queue(users, 'DeadLetters');
      const queue = new sqs.Queue(queues, 'Queue', { deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 } });
      workload(creators, 'Cart', importedEksV2Cluster(creators, 'Cluster', 'prod'), { env: { QUEUE: queue.queueUrl } });
      workload(users, 'Orders', importedEksV2Cluster(users, 'Cluster', 'prod'), { createNamespace: false });
      return app;
    },
    expect: { error: 'NamespaceOrderCycle' },
  },
  {
    name: 'creator made to wait for a construct of the user\'s stack (node.addDependency): NamespaceOrderCycle',
    build: () => {
      const { app, creators, users } = crossStackApp();
      const queue = new sqs.Queue(users, 'Queue');
      workload(creators, 'Cart', importedEksV2Cluster(creators, 'Cluster', 'prod'), {}).node.addDependency(queue);
      workload(users, 'Orders', importedEksV2Cluster(users, 'Cluster', 'prod'), { createNamespace: false });
      return app;
    },
    expect: { error: 'NamespaceOrderCycle' },
  },
  {
    name: 'near miss: the user granted access to a queue in the creator\'s stack (same direction): its stack waits for the creator\'s',
    build: () => {
      const { app, creators, users } = crossStackApp();
      const queue = new sqs.Queue(creators, 'Queue');
      workload(creators, 'Cart', importedEksV2Cluster(creators, 'Cluster', 'prod'), {});
      queue.grantSendMessages(workload(users, 'Orders', importedEksV2Cluster(users, 'Cluster', 'prod'), { createNamespace: false, env: { QUEUE: queue.queueUrl } }));
      holder = { stacks: [users, creators] };
      return app;
    },
    expect: {
      correct: assembly => {
        const [users, creators] = holder.stacks!;
        expect(stackDependencies(assembly, users)).toContain(creators.artifactId);
        expect(stackDependencies(assembly, creators)).not.toContain(users.artifactId);
      },
    },
  },
  {
    name: 'near miss: the creator references a third stack that does not reach the user\'s: both wait, no error',
    build: () => {
      const { app, creators, users } = crossStackApp();
      const queues = new Stack(app, 'Queues', { env: ENV });
      const queue = new sqs.Queue(queues, 'Queue');
      workload(creators, 'Cart', importedEksV2Cluster(creators, 'Cluster', 'prod'), { env: { QUEUE: queue.queueUrl } });
      workload(users, 'Orders', importedEksV2Cluster(users, 'Cluster', 'prod'), { createNamespace: false });
      holder = { stacks: [users, creators, queues] };
      return app;
    },
    expect: {
      correct: assembly => {
        const [users, creators, queues] = holder.stacks!;
        expect(stackDependencies(assembly, users)).toContain(creators.artifactId);
        expect(stackDependencies(assembly, creators)).toContain(queues.artifactId);
      },
    },
  },
  {
    name: 'a grant an App-level aspect adds to the user\'s role after the ordering ran: the association still DependsOn the policy',
    build: () => {
      const { app, creators, users } = crossStackApp();
      workload(creators, 'Cart', importedEksV2Cluster(creators, 'Cluster', 'prod'), {});
      const user = workload(users, 'Orders', importedEksV2Cluster(users, 'Cluster', 'prod'), { createNamespace: false });
      Aspects.of(app).add({
        visit: node => {
          if (node === user.role) user.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }));
        },
      });
      holder = { user, stacks: [users] };
      return app;
    },
    expect: {
      correct: assembly => {
        const users = holder.stacks![0];
        const policies = resourcesOfType(assembly, users, 'AWS::IAM::Policy');
        expect(policies).toHaveLength(1);
        const [association] = resourcesOfType(assembly, users, 'AWS::EKS::PodIdentityAssociation');
        expect(dependsOnOf(assembly, users, association)).toContain(policies[0]);
      },
    },
  },
  {
    name: 'WorkloadFleet using namespaces that cluster.addManifest creates in the cluster\'s stack: the fleet stacks wait for it',
    build: () => {
      const app = new App();
      const clusterStack = new Stack(app, 'Cluster', { env: ENV });
      const cluster = importedEksV2Cluster(clusterStack, 'Cluster', 'prod');
      PodIdentityAgentAddon.fromInstalledAddon(clusterStack, 'Agent', cluster); // no other reason to wait
      cluster.addManifest('Namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
      const fleet = new WorkloadFleet(app, 'Fleet', { cluster, stackCount: 2 });
      const user = fleet.addWorkload('cart', { namespace: 'shop', image: IMAGE, createNamespace: false });
      holder = { stacks: [Stack.of(user), clusterStack] };
      return app;
    },
    expect: {
      correct: assembly => {
        const [fleetStack, clusterStack] = holder.stacks!;
        expect(stackDependencies(assembly, fleetStack)).toContain(clusterStack.artifactId);
      },
    },
  },
  {
    name: 'namespace created by a plain cluster.addManifest Namespace object: the user\'s manifest DependsOn it',
    build: () => {
      const app = new App();
      const stack = new Stack(app, 'Shop', { env: ENV });
      const cluster = newEksV2Cluster(stack);
      const user = workload(stack, 'Orders', cluster, { createNamespace: false });
      cluster.addManifest('ShopNamespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
      holder = { user, stacks: [stack] };
      return app;
    },
    expect: {
      correct: (assembly) => {
        const { user, stacks } = holder;
        const namespaceManifest = resourcesOfType(assembly, stacks![0], MANIFEST_TYPE).find(id => id.includes('ShopNamespace'))!;
        expect(dependsOnOf(assembly, stacks![0], logicalIdOf(user!.manifest))).toContain(namespaceManifest);
      },
    },
  },
  {
    name: 'namespace created by a Helm chart with createNamespace: the user\'s manifest DependsOn the chart',
    build: () => {
      const app = new App();
      const stack = new Stack(app, 'Shop', { env: ENV });
      const cluster = newEksV2Cluster(stack);
      cluster.addHelmChart('Shop', { chart: 'shop', repository: 'https://example.com/charts', namespace: 'shop', createNamespace: true });
      const user = workload(stack, 'Orders', cluster, { createNamespace: false });
      holder = { user, stacks: [stack] };
      return app;
    },
    expect: {
      correct: (assembly) => {
        const { user, stacks } = holder;
        const [chart] = resourcesOfType(assembly, stacks![0], HELM_TYPE);
        expect(dependsOnOf(assembly, stacks![0], logicalIdOf(user!.manifest))).toContain(chart);
      },
    },
  },
  {
    name: 'near miss: the creator is on another cluster: no ordering, NamespaceNotCreated as before',
    build: () => {
      const { app, stack, cluster } = app1();
      workload(stack, 'Orders', cluster, { createNamespace: false });
      workload(stack, 'Cart', importedEksV2Cluster(stack, 'Staging', 'staging'), {});
      return app;
    },
    expect: { warning: 'NamespaceNotCreated' },
  },
  {
    name: 'near miss: a GitOps user of a namespace a kubectl workload creates: no CloudFormation ordering, no error',
    build: () => {
      const { app, stack, cluster } = app1();
      workload(stack, 'Cart', cluster, {});
      const user = workload(stack, 'Orders', cluster, { createNamespace: false, delivery: ManifestDelivery.gitOps({ directory: tempDir() }) });
      holder = { user, stacks: [stack] };
      return app;
    },
    expect: {
      correct: (assembly) => {
        // The GitOps files are synced by Argo CD / Flux after the stack is deployed: the namespace exists by then.
        expect(resourcesOfType(assembly, holder.stacks![0], MANIFEST_TYPE)).toHaveLength(1);
      },
    },
  },

  {
    name: 'a kubectl user of a namespace a GitOps workload creates (synced after the stack): NamespaceCreatedByGitOps',
    build: () => {
      const { app, stack, cluster } = app1();
      workload(stack, 'Cart', cluster, { delivery: ManifestDelivery.gitOps({ directory: tempDir() }) });
      workload(stack, 'Orders', cluster, { createNamespace: false });
      return app;
    },
    expect: { warning: 'NamespaceCreatedByGitOps' },
  },

  // 2. Duplicate Deployment.
  {
    name: 'two workloads, one Deployment name in one namespace (one stack, different service accounts): DuplicateDeployment',
    build: () => {
      const { app, stack, cluster } = app1();
      workload(stack, 'Cart', cluster, { serviceAccountName: 'cart', deploymentName: 'web' });
      workload(stack, 'Orders', cluster, { serviceAccountName: 'orders', deploymentName: 'web', createNamespace: false });
      return app;
    },
    expect: { error: 'DuplicateDeployment' },
  },
  {
    name: 'two workloads, one Deployment name in one namespace, in two stacks: DuplicateDeployment',
    build: () => {
      const app = new App();
      const a = new Stack(app, 'A', { env: ENV });
      const b = new Stack(app, 'B', { env: ENV });
      workload(a, 'Cart', importedEksV2Cluster(a, 'Cluster', 'prod'), { serviceAccountName: 'cart', deploymentName: 'web' });
      workload(b, 'Orders', importedEksV2Cluster(b, 'Cluster', 'prod'), { serviceAccountName: 'orders', deploymentName: 'web', createNamespace: false });
      return app;
    },
    expect: { error: 'DuplicateDeployment' },
  },
  {
    name: 'two workloads, one Deployment name in one namespace, kubectl and GitOps: DuplicateDeployment',
    build: () => {
      const { app, stack, cluster } = app1();
      workload(stack, 'Cart', cluster, { serviceAccountName: 'cart', deploymentName: 'web' });
      workload(stack, 'Orders', cluster, { serviceAccountName: 'orders', deploymentName: 'web', createNamespace: false, delivery: ManifestDelivery.gitOps({ directory: tempDir() }) });
      return app;
    },
    expect: { error: 'DuplicateDeployment' },
  },
  {
    name: 'near miss: one Deployment name in two namespaces, or on two clusters: accepted',
    build: () => {
      const { app, stack, cluster } = app1();
      workload(stack, 'Cart', cluster, { serviceAccountName: 'cart', deploymentName: 'web' });
      workload(stack, 'Orders', cluster, { namespace: 'orders', serviceAccountName: 'orders', deploymentName: 'web' });
      workload(stack, 'StagingCart', importedEksV2Cluster(stack, 'Staging', 'staging'), { serviceAccountName: 'cart', deploymentName: 'web' });
      return app;
    },
    expect: { correct: () => undefined },
  },

  // 3. One cluster, two references.
  {
    name: 'a new cluster named prod and an import of prod (same env): one agent add-on for both',
    build: () => {
      const app = new App();
      const a = new Stack(app, 'Platform', { env: ENV });
      const b = new Stack(app, 'Apps', { env: ENV });
      const cluster = namedCluster(a, 'Prod', 'prod');
      new PodIdentityRole(a, 'Platform').associate(cluster, { namespace: 'kube-system', serviceAccount: 'platform' });
      new PodIdentityRole(b, 'App').associate(importedEksV2Cluster(b, 'Prod', 'prod'), { namespace: 'kube-system', serviceAccount: 'app' });
      holder = { stacks: [a, b] };
      return app;
    },
    expect: {
      correct: (assembly) => {
        const addons = holder.stacks!.flatMap(stack => resourcesOfType(assembly, stack, 'AWS::EKS::Addon'));
        expect(addons).toHaveLength(1);
      },
    },
  },
  {
    name: 'a new cluster named prod and an import of prod, one service account associated on each: DuplicateAssociation',
    build: () => {
      const app = new App();
      const a = new Stack(app, 'Platform', { env: ENV });
      const b = new Stack(app, 'Apps', { env: ENV });
      new PodIdentityRole(a, 'One').associate(namedCluster(a, 'Prod', 'prod'), { namespace: 'kube-system', serviceAccount: 'app' });
      new PodIdentityRole(b, 'Two').associate(importedEksV2Cluster(b, 'Prod', 'prod'), { namespace: 'kube-system', serviceAccount: 'app' });
      return app;
    },
    expect: { error: 'DuplicateAssociation' },
  },
  {
    name: 'an association on an import of prod that this app creates in another stack: its stack waits for the cluster\'s',
    build: () => {
      const app = new App();
      const a = new Stack(app, 'Platform', { env: ENV });
      const b = new Stack(app, 'Apps', { env: ENV });
      // The agent is recorded as installed: nothing else makes the Apps stack wait for Platform.
      PodIdentityAgentAddon.fromInstalledAddon(a, 'Agent', namedCluster(a, 'Prod', 'prod'));
      workload(b, 'Cart', importedEksV2Cluster(b, 'Prod', 'prod'), {});
      holder = { stacks: [a, b] };
      return app;
    },
    expect: {
      correct: (assembly) => {
        const [platform, apps] = holder.stacks!;
        expect(stackDependencies(assembly, apps)).toContain(platform.artifactId);
      },
    },
  },
  {
    name: 'an association on an import of prod in the stack that creates prod: it DependsOn the cluster',
    build: () => {
      const app = new App();
      const stack = new Stack(app, 'Platform', { env: ENV });
      const cluster = namedCluster(stack, 'Prod', 'prod');
      const association = new PodIdentityRole(stack, 'App').associate(importedEksV2Cluster(stack, 'Imported', 'prod'), { namespace: 'kube-system', serviceAccount: 'app' });
      holder = { stacks: [stack], user: association as any, creator: cluster as any };
      return app;
    },
    expect: {
      correct: (assembly) => {
        const stack = holder.stacks![0];
        const association = (holder.user as any).node.defaultChild;
        const cfnCluster = (holder.creator as any).node.defaultChild;
        expect(dependsOnOf(assembly, stack, stack.resolve(association.logicalId))).toContain(stack.resolve(cfnCluster.logicalId));
      },
    },
  },
  {
    name: 'the agent add-on made first for an import of prod that another stack creates and uses: ClusterImportOrderCycle',
    build: () => {
      const app = new App();
      const a = new Stack(app, 'Platform', { env: ENV });
      const b = new Stack(app, 'Apps', { env: ENV });
      workload(b, 'Cart', importedEksV2Cluster(b, 'Prod', 'prod'), {});
      workload(a, 'Orders', namedCluster(a, 'Prod', 'prod'), { namespace: 'orders' });
      return app;
    },
    expect: { error: 'ClusterImportOrderCycle' },
  },
  {
    name: 'an association on an import of prod while prod\'s stack references a queue of its stack: ClusterImportOrderCycle, not CDK\'s raw error',
    build: () => {
      const app = new App();
      const a = new Stack(app, 'Platform', { env: ENV });
      const b = new Stack(app, 'Apps', { env: ENV });
      const queue = new sqs.Queue(b, 'Queue');
      const cluster = namedCluster(a, 'Prod', 'prod');
      // The agent is recorded as installed: only the import makes the Apps stack wait for Platform.
      PodIdentityAgentAddon.fromInstalledAddon(a, 'Agent', cluster);
      workload(a, 'Orders', cluster, { namespace: 'orders', env: { QUEUE: queue.queueUrl } });
      new PodIdentityRole(b, 'App').associate(importedEksV2Cluster(b, 'Prod', 'prod'), { namespace: 'kube-system', serviceAccount: 'app' });
      return app;
    },
    expect: { error: 'ClusterImportOrderCycle' },
  },
  {
    name: 'aws-cdk-lib\'s own agent add-on on the new cluster prod, and this library\'s for an import of prod: DuplicateAgentAddon',
    build: () => {
      const app = new App();
      const a = new Stack(app, 'Platform', { env: ENV });
      const b = new Stack(app, 'Apps', { env: ENV });
      const cluster = namedCluster(a, 'Prod', 'prod');
      expect(cluster.eksPodIdentityAgent).toBeDefined(); // aws-cdk-lib creates its add-on on first access
      // The association creates this library's add-on for the import (and makes the app checks run).
      new PodIdentityRole(b, 'App').associate(importedEksV2Cluster(b, 'Prod', 'prod'), { namespace: 'kube-system', serviceAccount: 'app' });
      return app;
    },
    expect: { error: 'DuplicateAgentAddon' },
  },
  {
    name: 'near miss: prod created in one account and prod imported in another: two clusters, accepted',
    build: () => {
      const app = new App();
      const a = new Stack(app, 'Platform', { env: ENV });
      const b = new Stack(app, 'Apps', { env: { account: '222222222222', region: ENV.region } });
      new PodIdentityRole(a, 'One').associate(namedCluster(a, 'Prod', 'prod'), { namespace: 'kube-system', serviceAccount: 'app' });
      new PodIdentityRole(b, 'Two').associate(importedEksV2Cluster(b, 'Prod', 'prod'), { namespace: 'kube-system', serviceAccount: 'app' });
      return app;
    },
    expect: { correct: () => expect(ACCOUNT).not.toBe('222222222222') },
  },

  // 4. Built-in namespaces are never created.
  ...['default', 'kube-system'].map(namespace => ({
    name: `createNamespace: true on the built-in namespace ${namespace}: BuiltInNamespaceCreated`,
    build: () => {
      const { app, stack, cluster } = app1();
      workload(stack, 'Agent', cluster, { namespace, createNamespace: true });
      return app;
    },
    expect: { throws: 'BuiltInNamespaceCreated' },
  })),
  {
    name: 'near miss: a workload in kube-system without createNamespace: no Namespace object',
    build: () => {
      const { app, stack, cluster } = app1();
      workload(stack, 'Agent', cluster, { namespace: 'kube-system' });
      holder = { stacks: [stack] };
      return app;
    },
    expect: {
      correct: (assembly) => {
        const template = assembly.getStackArtifact(holder.stacks![0].artifactId).template;
        expect(JSON.stringify(template)).not.toContain('\\"kind\\":\\"Namespace\\"');
      },
    },
  },

  // 5. Fargate selectors with wildcards.
  {
    name: 'a Fargate profile selecting shop* (EKS wildcard) covers namespace shop-carts: FargateUnsupported',
    build: () => {
      const { app, stack, cluster } = app1();
      new eks.CfnFargateProfile(stack, 'Profile', { clusterName: 'prod', podExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/fargate`, selectors: [{ namespace: 'shop*' }] });
      workload(stack, 'Cart', cluster, { namespace: 'shop-carts' });
      return app;
    },
    expect: { error: 'FargateUnsupported' },
  },
  {
    name: 'a Fargate profile selecting sh?p-carts covers namespace shop-carts: FargateUnsupported',
    build: () => {
      const { app, stack, cluster } = app1();
      new eks.CfnFargateProfile(stack, 'Profile', { clusterName: 'prod', podExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/fargate`, selectors: [{ namespace: 'sh?p-carts' }] });
      workload(stack, 'Cart', cluster, { namespace: 'shop-carts' });
      return app;
    },
    expect: { error: 'FargateUnsupported' },
  },
  {
    name: 'a Fargate profile selecting shop* with a wildcard label matching the workload\'s pods: FargateUnsupported',
    build: () => {
      const { app, stack, cluster } = app1();
      new eks.CfnFargateProfile(stack, 'Profile', {
        clusterName: 'prod',
        podExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/fargate`,
        selectors: [{ namespace: 'shop*', labels: [{ key: 'app.kubernetes.io/*', value: 'ca?t' }] }],
      });
      workload(stack, 'Cart', cluster, { namespace: 'shop-carts' });
      return app;
    },
    expect: { error: 'FargateUnsupported' },
  },
  {
    name: 'near miss: a wildcard label the workload\'s pods do not carry: FargateProfileSelectsNamespace warning only',
    build: () => {
      const { app, stack, cluster } = app1();
      new eks.CfnFargateProfile(stack, 'Profile', {
        clusterName: 'prod',
        podExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/fargate`,
        selectors: [{ namespace: 'shop*', labels: [{ key: 'compute', value: 'farg*' }] }],
      });
      workload(stack, 'Cart', cluster, { namespace: 'shop-carts' });
      return app;
    },
    expect: { warning: 'FargateProfileSelectsNamespace' },
  },
  {
    name: 'a Fargate profile of the new cluster prod selects the namespace of a workload on an import of prod: FargateUnsupported',
    build: () => {
      const app = new App();
      const a = new Stack(app, 'Platform', { env: ENV });
      const b = new Stack(app, 'Apps', { env: ENV });
      namedCluster(a, 'Prod', 'prod').addFargateProfile('Shop', { selectors: [{ namespace: 'shop*' }] });
      workload(b, 'Cart', importedEksV2Cluster(b, 'Prod', 'prod'), { namespace: 'shop-carts' });
      return app;
    },
    expect: { error: 'FargateUnsupported' },
  },
  {
    name: 'near miss: a Fargate profile selecting shop? does not cover shop-carts (? is one character): accepted',
    build: () => {
      const { app, stack, cluster } = app1();
      new eks.CfnFargateProfile(stack, 'Profile', { clusterName: 'prod', podExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/fargate`, selectors: [{ namespace: 'shop?' }] });
      workload(stack, 'Cart', cluster, { namespace: 'shop-carts' });
      return app;
    },
    expect: { correct: () => undefined },
  },
]);
