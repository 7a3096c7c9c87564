import { App, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodIdentityAgentAddon, PodIdentityBoundWorkload, PodIdentityBoundWorkloadProps, PodIdentityRole } from '../lib';
import {
  CLUSTER_KINDS,
  ClusterKind,
  ENV,
  newEksV2Cluster,
  clusterNameIn,
  makeCluster,
  stackWithCluster,
} from './helpers/clusters';
import { expectProblemThrown, messageOf, prodClusterStack } from './helpers/errors';
import { logicalIdOf } from './helpers/logical-id';
import { KUBERNETES_RESOURCE_TYPE, kubernetesObjects } from './helpers/manifests';
import { cartsWorkload } from './helpers/stack-messages';
import { validateKubernetesObjects } from './judges/kubernetes-schema';
import { restrictedProfileViolations } from './judges/pod-security';

const IMAGE = 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0';
const ASSOCIATION = 'AWS::EKS::PodIdentityAssociation';
const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';

type KubernetesObject = Record<string, any>;


/** The objects of the template's manifests, validated against the Kubernetes schemas (at least one must exist). */
function validObjects(template: Template): KubernetesObject[] {
  const objects = kubernetesObjects(template);
  expect(validateKubernetesObjects(objects)).toBeGreaterThan(0);
  return objects;
}

function objectOfKind(objects: KubernetesObject[], kind: string): KubernetesObject {
  const matches = objects.filter(object => object.kind === kind);
  expect(matches).toHaveLength(1);
  return matches[0];
}

function mainContainer(objects: KubernetesObject[]): KubernetesObject {
  return objectOfKind(objects, 'Deployment').spec.template.spec.containers[0];
}

/** The cluster kind of the tests that are not about cluster kinds: the one most users start from. */
const DETAIL_KIND: ClusterKind = 'eks-v2';

/** Roles trusted by EKS Pod Identity in the template (the cluster fixtures make roles of their own). */
function podIdentityRoles(template: Template): Record<string, any> {
  return template.findResources('AWS::IAM::Role', {
    Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'pods.eks.amazonaws.com' } }] } },
  });
}

/** IAM policies attached to the given role. */
function policiesOf(template: Template, role: iam.IRole): Array<[string, any]> {
  const roleRef = { Ref: logicalIdOf(role) };
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([roleRef]));
}

/** A workload on a fresh cluster of DETAIL_KIND, with its template and validated objects. */
function workloadWith(props: Partial<PodIdentityBoundWorkloadProps> = {}, id = 'Cart') {
  const { stack, cluster } = stackWithCluster(DETAIL_KIND);
  const workload = new PodIdentityBoundWorkload(stack, id, { cluster, namespace: 'shop', image: IMAGE, ...props });
  const template = Template.fromStack(stack);
  return { stack, cluster, workload, template, objects: validObjects(template) };
}

describe.each(CLUSTER_KINDS)('PodIdentityBoundWorkload on a %s cluster', (kind: ClusterKind) => {
  test('creates a role, an association and one manifest with Namespace, ServiceAccount and Deployment in that order', () => {
    const { stack, cluster } = stackWithCluster(kind);
    const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE });

    const template = Template.fromStack(stack);
    template.resourceCountIs(KUBERNETES_RESOURCE_TYPE, 1);
    template.resourceCountIs(ASSOCIATION, 1);
    template.resourceCountIs('AWS::EKS::Addon', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow' }] },
      // No description: the logical id and CloudFormation's stack tags already name the workload (bytes per workload).
      Description: Match.absent(),
    });
    template.hasResourceProperties(ASSOCIATION, {
      ClusterName: clusterNameIn(stack, cluster),
      Namespace: 'shop',
      ServiceAccount: 'cart',
      RoleArn: { 'Fn::GetAtt': [logicalIdOf(workload.role), 'Arn'] },
    });
    template.hasResourceProperties(KUBERNETES_RESOURCE_TYPE, { ClusterName: clusterNameIn(stack, cluster) });

    const objects = validObjects(template);
    expect(objects.map(object => `${object.apiVersion}/${object.kind}`)).toEqual(['v1/Namespace', 'v1/ServiceAccount', 'apps/v1/Deployment']);
    expect(objects.map(object => object.metadata.name)).toEqual(['shop', 'cart', 'cart']);
    expect(objects[1].metadata.namespace).toBe('shop');
    expect(objects[2].metadata.namespace).toBe('shop');
  });

  test('depends manifest -> association -> agent add-on', () => {
    const { stack, cluster } = stackWithCluster(kind);
    const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE });

    const template = Template.fromStack(stack);
    const resources = template.toJSON().Resources;
    const [manifestId] = Object.keys(template.findResources(KUBERNETES_RESOURCE_TYPE));
    const associationId = logicalIdOf(workload.association.resource);
    const addonId = logicalIdOf((PodIdentityAgentAddon.of(cluster) as PodIdentityAgentAddon).resource!);
    expect(manifestId).toBe(logicalIdOf(workload.manifest));
    expect(resources[manifestId].DependsOn).toContain(associationId);
    expect(resources[associationId].DependsOn).toContain(addonId);
    expect(resources[associationId].DependsOn).not.toContain(logicalIdOf(workload.role)); // the GetAtt orders it
    validObjects(template);
  });

  test('the ServiceAccount has no IRSA annotation and the Deployment runs as the associated service account', () => {
    const { stack, cluster } = stackWithCluster(kind);
    new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE, serviceAccountName: 'cart-sa' });

    const template = Template.fromStack(stack);
    const objects = validObjects(template);
    const serviceAccount = objectOfKind(objects, 'ServiceAccount');
    expect(serviceAccount.metadata.annotations?.[IRSA_ANNOTATION]).toBeUndefined();
    expect(JSON.stringify(objects)).not.toContain(IRSA_ANNOTATION);
    const association = Object.values(template.findResources(ASSOCIATION))[0].Properties;
    expect(association.ServiceAccount).toBe('cart-sa');
    expect(serviceAccount.metadata.name).toBe(association.ServiceAccount);
    expect(objectOfKind(objects, 'Deployment').spec.template.spec.serviceAccountName).toBe(association.ServiceAccount);
  });

  test('the PruneLabel equals the label injected in every object\'s metadata.labels', () => {
    const { stack, cluster } = stackWithCluster(kind);
    const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE });
    new kplus.ConfigMap(workload.chart, 'Config', { metadata: { namespace: 'shop' }, data: { MODE: 'test' } });

    const template = Template.fromStack(stack);
    const [manifest] = Object.values(template.findResources(KUBERNETES_RESOURCE_TYPE));
    const pruneLabel: string = manifest.Properties.PruneLabel;
    expect(pruneLabel).toMatch(/^aws\.cdk\.eks\/prune-[0-9a-f]+$/);
    const objects = validObjects(template);
    expect(objects).toHaveLength(4);
    for (const object of objects) {
      expect(object.metadata.labels).toHaveProperty([pruneLabel], '');
    }
  });
});

describe('PodIdentityBoundWorkload manifest', () => {
  test('createNamespace: false omits the Namespace', () => {
    const { objects } = workloadWith({ createNamespace: false });
    expect(objects.map(object => object.kind)).toEqual(['ServiceAccount', 'Deployment']);
  });

  test('createNamespace: false leaves kubernetesNamespace undefined; the default sets it', () => {
    expect(workloadWith({ createNamespace: false }).workload.kubernetesNamespace).toBeUndefined();
    expect(workloadWith().workload.kubernetesNamespace).toBeInstanceOf(kplus.Namespace);
  });

  test('the default service account name is derived from the construct id, and the Deployment is named after it', () => {
    const { workload, objects, template } = workloadWith({}, 'MyService_v2');
    expect(workload.serviceAccountName).toBe('myservice-v2');
    expect(objectOfKind(objects, 'ServiceAccount').metadata.name).toBe('myservice-v2');
    expect(objectOfKind(objects, 'Deployment').metadata.name).toBe('myservice-v2');
    template.hasResourceProperties(ASSOCIATION, { ServiceAccount: 'myservice-v2' });
  });

  test.each([
    ['Cart', 'cart'],
    ['OrderService', 'orderservice'],
    ['order.service', 'order-service'],
    ['--Weird__Id--', 'weird-id'],
  ])('construct id %j gives service account %j', (id, expected) => {
    const { workload, objects } = workloadWith({}, id);
    expect(workload.serviceAccountName).toBe(expected);
    expect(objectOfKind(objects, 'ServiceAccount').metadata.name).toBe(expected);
  });

  test('serviceAccountName and deploymentName override the defaults', () => {
    const { workload, objects, template } = workloadWith({ serviceAccountName: 'cart-sa', deploymentName: 'cart-api' });
    expect(workload.serviceAccountName).toBe('cart-sa');
    expect(workload.namespace).toBe('shop');
    expect(objectOfKind(objects, 'ServiceAccount').metadata.name).toBe('cart-sa');
    const deployment = objectOfKind(objects, 'Deployment');
    expect(deployment.metadata.name).toBe('cart-api');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('cart-sa');
    template.hasResourceProperties(ASSOCIATION, { ServiceAccount: 'cart-sa', Namespace: 'shop' });
  });

  test('image, command, args, port and replicas map to the Deployment', () => {
    const { objects } = workloadWith({
      image: 'public.ecr.aws/docker/library/python:3.13-slim',
      command: ['python', '-m'],
      args: ['http.server', '8080'],
      port: 8080,
      replicas: 3,
    });
    const deployment = objectOfKind(objects, 'Deployment');
    expect(deployment.spec.replicas).toBe(3);
    const container = mainContainer(objects);
    expect(container.image).toBe('public.ecr.aws/docker/library/python:3.13-slim');
    expect(container.command).toEqual(['python', '-m']);
    expect(container.args).toEqual(['http.server', '8080']);
    expect(container.ports).toEqual([expect.objectContaining({ containerPort: 8080 })]);
  });

  test('replicas defaults to 2', () => {
    const { objects } = workloadWith();
    expect(objectOfKind(objects, 'Deployment').spec.replicas).toBe(2);
    const container = mainContainer(objects);
    expect(container.image).toBe(IMAGE);
    expect(container).not.toHaveProperty('command');
    expect(container).not.toHaveProperty('args');
    expect(container).not.toHaveProperty('ports');
  });

  test('env values, including a CDK token, are rendered; the token as a Ref in the template', () => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    new PodIdentityBoundWorkload(stack, 'Cart', {
      cluster, namespace: 'shop', image: IMAGE, env: { TABLE_NAME: table.tableName, LOG_LEVEL: 'info' },
    });

    const template = Template.fromStack(stack);
    const tableId = logicalIdOf(table);
    const [manifest] = Object.values(template.findResources(KUBERNETES_RESOURCE_TYPE));
    expect(manifest.Properties.Manifest['Fn::Join'][1]).toContainEqual({ Ref: tableId });
    const env = mainContainer(validObjects(template)).env;
    expect(env).toEqual(expect.arrayContaining([
      { name: 'TABLE_NAME', value: `<Ref:${tableId}>` },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'HOME', value: '/tmp' },
    ]));
    expect(env).toHaveLength(3);
  });

  test('HOME defaults to the writable /tmp, and a HOME the user sets wins', () => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE, env: { HOME: '/home/app' } });
    const env = mainContainer(validObjects(Template.fromStack(stack))).env;
    expect(env).toEqual([{ name: 'HOME', value: '/home/app' }]);
  });

  test('containerOptions pass through (resources, probes)', () => {
    const { objects } = workloadWith({
      containerOptions: {
        resources: {
          cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(500) },
          memory: { request: cdk8s.Size.mebibytes(256), limit: cdk8s.Size.mebibytes(512) },
        },
        readiness: kplus.Probe.fromCommand(['true']),
      },
    });
    const container = mainContainer(objects);
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    expect(container.readinessProbe.exec.command).toEqual(['true']);
  });

  test('deploymentOptions pass through (pod metadata labels)', () => {
    const { objects } = workloadWith({ deploymentOptions: { podMetadata: { labels: { app: 'cart' } } } });
    expect(objectOfKind(objects, 'Deployment').spec.template.metadata.labels).toMatchObject({ app: 'cart' });
  });
});

describe('PodIdentityBoundWorkload security defaults', () => {
  test('the main container has the hardened security context', () => {
    const { objects } = workloadWith();
    const securityContext = mainContainer(objects).securityContext;
    expect(securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(typeof securityContext.runAsUser).toBe('number');
    expect(securityContext.runAsUser).toBeGreaterThan(0);
    expect(objectOfKind(objects, 'Deployment').spec.template.spec.securityContext.runAsNonRoot).toBe(true);
  });

  test('containerOptions.securityContext is merged over the defaults field by field', () => {
    const { objects } = workloadWith({ containerOptions: { securityContext: { user: 1000, readOnlyRootFilesystem: false } } });
    const securityContext = mainContainer(objects).securityContext;
    expect(securityContext.runAsUser).toBe(1000);
    expect(securityContext.readOnlyRootFilesystem).toBe(false);
    expect(securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('containerOptions.securityContext can replace the capabilities', () => {
    const { objects } = workloadWith({
      containerOptions: { securityContext: { capabilities: { drop: [kplus.Capability.ALL], add: [kplus.Capability.NET_BIND_SERVICE] } } },
    });
    const securityContext = mainContainer(objects).securityContext;
    expect(securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    expect(securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('deploymentOptions.securityContext is merged over the pod defaults', () => {
    const { objects } = workloadWith({ deploymentOptions: { securityContext: { fsGroup: 2000 } } });
    expect(objectOfKind(objects, 'Deployment').spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 2000 });
  });

  test('a writable /tmp emptyDir is mounted', () => {
    const { objects } = workloadWith();
    const deployment = objectOfKind(objects, 'Deployment');
    const tmpMount = mainContainer(objects).volumeMounts.find((mount: any) => mount.mountPath === '/tmp');
    expect(tmpMount).toBeDefined();
    const volume = deployment.spec.template.spec.volumes.find((v: any) => v.name === tmpMount.name);
    expect(volume).toEqual({ name: tmpMount.name, emptyDir: {} });
  });

  test('no extra /tmp volume when containerOptions already mounts /tmp', () => {
    const chart = new cdk8s.Chart(new cdk8s.App(), 'Volumes');
    const { objects } = workloadWith({
      containerOptions: { volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(chart, 'Scratch', 'scratch') }] },
    });
    const mounts = mainContainer(objects).volumeMounts.filter((mount: any) => mount.mountPath === '/tmp');
    expect(mounts).toEqual([{ mountPath: '/tmp', name: 'scratch' }]);
    expect(objectOfKind(objects, 'Deployment').spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['scratch']);
  });
});

describe('PodIdentityBoundWorkload restricted pod security', () => {
  test('the pod, a sidecar and an init container added after construction pass the restricted profile field by field', () => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE });
    const sidecar = workload.deployment.addContainer({ name: 'proxy', image: 'envoy:1', portNumber: 9901 });
    workload.deployment.addInitContainer({ name: 'migrate', image: 'migrate:1' });
    const objects = validObjects(Template.fromStack(stack));
    const pod = objectOfKind(objects, 'Deployment').spec.template;

    expect(pod.spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    for (const container of [...pod.spec.containers, ...pod.spec.initContainers]) {
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual([expect.any(String), 'proxy']);
    expect(sidecar.securityContext.ensureNonRoot).toBe(true);
    expect(restrictedProfileViolations(pod.spec, pod.metadata?.annotations)).toEqual([]);
  });

  test('a sidecar keeps the fields its caller sets, and gets the hardened defaults for the rest', () => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE });
    workload.deployment.addContainer({ name: 'writer', image: 'w:1', securityContext: { readOnlyRootFilesystem: false, user: 1234 } });
    const sidecar = objectOfKind(validObjects(Template.fromStack(stack)), 'Deployment').spec.template.spec.containers[1];
    expect(sidecar.securityContext).toMatchObject({ readOnlyRootFilesystem: false, runAsUser: 1234, capabilities: { drop: ['ALL'] } });
  });

  test('the judge says no: a privileged, escalating container without seccomp fails on exactly those fields', () => {
    const { objects } = workloadWith();
    const spec = JSON.parse(JSON.stringify(objectOfKind(objects, 'Deployment').spec.template.spec));
    delete spec.securityContext.seccompProfile;
    spec.containers.push({ name: 'bad', image: 'bad:1', securityContext: { privileged: true, allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN'] } } });
    spec.volumes.push({ name: 'host', hostPath: { path: '/' } });
    expect(restrictedProfileViolations(spec)).toEqual([
      'volumes[1].hostPath: hostPath volumes are forbidden',
      'volumes[1]: volume type hostPath is not allowed',
      'containers[1].securityContext.privileged: must not be true',
      'containers[1].securityContext.allowPrivilegeEscalation: must be false',
      'containers[1].securityContext.seccompProfile.type: must be RuntimeDefault or Localhost (here or at pod level)',
      'containers[1].securityContext.capabilities.drop: must include ALL',
      'containers[1].securityContext.capabilities.add: SYS_ADMIN may not be added',
    ]);
  });
});

describe('PodIdentityBoundWorkload pod selectors', () => {
  const selectorOf = (deployment: any) => deployment.spec.selector.matchLabels;

  test('two workloads in one namespace select only their own pods, and a Service from one selects only its pods', () => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    const payments = new PodIdentityBoundWorkload(stack, 'Payments', { cluster, namespace: 'shop', image: IMAGE, port: 8080 });
    new PodIdentityBoundWorkload(stack, 'Reports', { cluster, namespace: 'shop', createNamespace: false, image: IMAGE, port: 8080 });
    new PodIdentityBoundWorkload(stack, 'Audit', { cluster, namespace: 'shop', createNamespace: false, image: IMAGE, deploymentName: 'audit-v2' });
    const service = payments.deployment.exposeViaService();

    const objects = validObjects(Template.fromStack(stack));
    const deployments = objects.filter(o => o.kind === 'Deployment');
    expect(deployments.map(d => d.metadata.name)).toEqual(['payments', 'reports', 'audit-v2']);
    for (const deployment of deployments) {
      // The pods carry the labels their Deployment selects, and no other Deployment selects them.
      expect(deployment.spec.template.metadata.labels).toMatchObject(selectorOf(deployment));
      expect(deployment.spec.template.metadata.labels['app.kubernetes.io/name']).toBe(deployment.metadata.name);
      for (const other of deployments.filter(d => d !== deployment)) {
        const selects = Object.entries(selectorOf(other)).every(([key, value]) => deployment.spec.template.metadata.labels[key] === value);
        expect({ other: other.metadata.name, pods: deployment.metadata.name, selects }).toMatchObject({ selects: false });
      }
    }
    const serviceObject = objects.find(o => o.kind === 'Service')!;
    expect(serviceObject.metadata.name).toBe(service.name);
    expect(serviceObject.spec.selector).toEqual(selectorOf(deployments[0]));
    const paymentsLabels = deployments[0].spec.template.metadata.labels;
    const selected = deployments.filter(d => Object.entries(serviceObject.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
    expect(selected.map(d => d.metadata.name)).toEqual(['payments']);
    expect(paymentsLabels).toMatchObject(serviceObject.spec.selector);
  });

  test('the selector is stable across construct ids, paths and stacks: it derives from the namespace and Deployment name', () => {
    const selector = (stackId: string, parent: string, id: string) => {
      const app = new App();
      const stack = new Stack(app, stackId, { env: ENV });
      const cluster = makeCluster('imported-eks-v2', stack);
      new PodIdentityBoundWorkload(new Construct(stack, parent), id, {
        cluster, namespace: 'shop', serviceAccountName: 'payments', image: IMAGE,
      });
      return selectorOf(objectOfKind(validObjects(Template.fromStack(stack)), 'Deployment'));
    };
    const first = selector('One', 'Team', 'Payments');
    expect(selector('Two', 'Other', 'Renamed')).toEqual(first);
    expect(Object.values(first).join()).toMatch(/shop/);
  });

  test('the same Deployment name in two namespaces, or two stacks on one cluster, gets distinct selectors', () => {
    const app = new App();
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const cluster = makeCluster('eks-v2', clusterStack);
    const stacks = ['a', 'b'].map(ns => {
      const stack = new Stack(app, `Team-${ns}`, { env: ENV });
      new PodIdentityBoundWorkload(stack, 'Payments', { cluster, namespace: ns, image: IMAGE });
      return stack;
    });
    const selectors = stacks.map(stack => selectorOf(objectOfKind(validObjects(Template.fromStack(stack)), 'Deployment')));
    expect(selectors[0]).not.toEqual(selectors[1]);
  });
});

describe('PodIdentityBoundWorkload permissions', () => {
  test('table.grantReadWriteData(workload) lands on the workload\'s role, and the association waits for it', () => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE });
    table.grantReadWriteData(workload);

    expect(workload.grantPrincipal).toBe(workload.role);
    const template = Template.fromStack(stack);
    const policies = policiesOf(template, workload.role);
    expect(policies).toHaveLength(1);
    const [[policyId, policy]] = policies;
    expect(policy.Properties.PolicyDocument.Statement[0].Action).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:GetItem']));
    expect(policy.Properties.PolicyDocument.Statement[0].Resource).toContainEqual({ 'Fn::GetAtt': [logicalIdOf(table), 'Arn'] });

    const resources = template.toJSON().Resources;
    expect(resources[logicalIdOf(workload.association.resource)].DependsOn).toContain(policyId);
    validObjects(template);
  });

  test('a given role is used instead of a new one', () => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    const shared = new PodIdentityRole(stack, 'SharedRole', { roleName: 'shared-pods' });
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE, role: shared });
    table.grantReadData(workload);

    expect(workload.role).toBe(shared);
    expect(workload.node.tryFindChild('Role')).toBeUndefined();
    const template = Template.fromStack(stack);
    expect(Object.keys(podIdentityRoles(template))).toEqual([logicalIdOf(shared)]);
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'shared-pods' });
    template.hasResourceProperties(ASSOCIATION, { RoleArn: { 'Fn::GetAtt': [logicalIdOf(shared), 'Arn'] } });
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: logicalIdOf(shared) }] });
    validObjects(template);
  });

  test('an imported role can be given', () => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    const arn = 'arn:aws:iam::111111111111:role/existing-pods';
    const workload = new PodIdentityBoundWorkload(stack, 'Cart', {
      cluster, namespace: 'shop', image: IMAGE, role: PodIdentityRole.fromPodIdentityRoleArn(stack, 'Existing', arn),
    });
    expect(workload.role.roleArn).toBe(arn);
    const template = Template.fromStack(stack);
    expect(podIdentityRoles(template)).toEqual({});
    template.hasResourceProperties(ASSOCIATION, { RoleArn: arn });
    validObjects(template);
  });

  test('associationSettings reach the association', () => {
    const { template } = workloadWith({
      associationSettings: {
        targetRole: iam.Role.fromRoleArn(new Stack(new App(), 'Other', { env: ENV }), 'Target', 'arn:aws:iam::222222222222:role/target'),
        tags: { team: 'cart' },
      },
    });
    template.hasResourceProperties(ASSOCIATION, {
      TargetRoleArn: 'arn:aws:iam::222222222222:role/target',
      Tags: [{ Key: 'team', Value: 'cart' }],
    });
  });
});

describe('PodIdentityBoundWorkload lazy rendering', () => {
  test('changes to deployment, serviceAccount and chart after construction appear in the manifest', () => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE });

    workload.deployment.addContainer({
      name: 'sidecar',
      image: 'public.ecr.aws/docker/library/busybox:1.37',
      securityContext: { user: 25001 },
    });
    workload.deployment.podMetadata.addLabel('tier', 'backend');
    workload.serviceAccount.metadata.addLabel('team', 'cart');
    workload.serviceAccount.metadata.addAnnotation('example.com/owner', 'cart-team');
    new kplus.ConfigMap(workload.chart, 'Settings', { metadata: { name: 'cart-settings', namespace: 'shop' }, data: { MODE: 'test' } });

    const objects = validObjects(Template.fromStack(stack));
    expect(objects.map(object => object.kind)).toEqual(expect.arrayContaining(['Namespace', 'ServiceAccount', 'Deployment', 'ConfigMap']));
    const deployment = objectOfKind(objects, 'Deployment');
    expect(deployment.spec.template.spec.containers.map((container: any) => container.name)).toEqual(['main', 'sidecar']);
    expect(deployment.spec.template.metadata.labels).toMatchObject({ tier: 'backend' });
    const serviceAccount = objectOfKind(objects, 'ServiceAccount');
    expect(serviceAccount.metadata.labels).toMatchObject({ team: 'cart' });
    expect(serviceAccount.metadata.annotations).toEqual({ 'example.com/owner': 'cart-team' });
    expect(objectOfKind(objects, 'ConfigMap')).toMatchObject({ metadata: { name: 'cart-settings', namespace: 'shop' }, data: { MODE: 'test' } });
  });
});

describe('PodIdentityBoundWorkload cluster support', () => {
  test('a cluster that is neither aws_eks nor aws_eks_v2 is rejected with UnsupportedCluster', () => {
    const { stack } = stackWithCluster(DETAIL_KIND);
    const bareReference = eks.CfnCluster.fromClusterName(stack, 'NotACluster', 'not-a-cluster');
    expect(() => new PodIdentityBoundWorkload(stack, 'Cart', { cluster: bareReference, namespace: 'shop', image: IMAGE }))
      .toThrow(/\[cdk-eks-pod-identity:UnsupportedCluster\].*NotACluster/);
  });

  test('a bare cluster reference (IClusterRef) is enough for an association, which needs no kubectl', () => {
    const { stack } = stackWithCluster(DETAIL_KIND);
    const reference = eks.CfnCluster.fromClusterName(stack, 'Reference', 'by-name');
    const role = new PodIdentityRole(stack, 'Role');
    role.associate(reference, { namespace: 'shop', serviceAccount: 'cart' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'by-name', Namespace: 'shop' });
    template.hasResourceProperties('AWS::EKS::Addon', { ClusterName: 'by-name', AddonName: 'eks-pod-identity-agent' });
  });
});

describe('PodIdentityBoundWorkload conflicting options', () => {
  const otherServiceAccount = () => kplus.ServiceAccount.fromServiceAccountName(new cdk8s.Chart(new cdk8s.App(), 'Other'), 'Sa', 'other');

  test.each<[string, Partial<PodIdentityBoundWorkloadProps>]>([
    ['command and containerOptions.command', { command: ['a'], containerOptions: { command: ['b'] } }],
    ['args and containerOptions.args', { args: ['a'], containerOptions: { args: ['b'] } }],
    ['port and containerOptions.portNumber', { port: 8080, containerOptions: { portNumber: 9090 } }],
    ['replicas and deploymentOptions.replicas', { replicas: 2, deploymentOptions: { replicas: 3 } }],
    ['deploymentOptions.serviceAccount', { deploymentOptions: { serviceAccount: otherServiceAccount() } }],
    ['deploymentOptions.containers', { deploymentOptions: { containers: [{ image: 'public.ecr.aws/docker/library/busybox:1.37' }] } }],
  ])('%s throws ConflictingWorkloadOptions', (_name, props) => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    expect(() => new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE, ...props }))
      .toThrow(/\[cdk-eks-pod-identity:ConflictingWorkloadOptions\]/);
  });

  test('the message names both options', () => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    expect(() => new PodIdentityBoundWorkload(stack, 'Cart', {
      cluster, namespace: 'shop', image: IMAGE, command: ['a'], containerOptions: { command: ['b'] },
    })).toThrow(/command.*containerOptions\.command/);
  });

  test('the same option given only once is accepted', () => {
    const { objects } = workloadWith({
      containerOptions: { command: ['serve'], args: ['--port', '9090'], portNumber: 9090 },
      deploymentOptions: { replicas: 4 },
    });
    const container = mainContainer(objects);
    expect(container.command).toEqual(['serve']);
    expect(container.args).toEqual(['--port', '9090']);
    expect(container.ports).toEqual([expect.objectContaining({ containerPort: 9090 })]);
    expect(objectOfKind(objects, 'Deployment').spec.replicas).toBe(4);
  });
});

describe('PodIdentityBoundWorkload across stacks', () => {
  test('a workload in its own stack uses a cluster from another: no cycle, the add-on stays with the cluster', () => {
    const app = new App();
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const workloadStack = new Stack(app, 'WorkloadStack', { env: ENV });
    const cluster = newEksV2Cluster(clusterStack);
    const workload = new PodIdentityBoundWorkload(workloadStack, 'Carts', { cluster, namespace: 'carts', image: IMAGE });

    const assembly = app.synth();
    expect(workloadStack.dependencies).toContain(clusterStack);
    expect(clusterStack.dependencies).not.toContain(workloadStack);
    Template.fromStack(clusterStack).resourceCountIs('AWS::EKS::Addon', 1);
    const workloadTemplate = Template.fromStack(workloadStack);
    workloadTemplate.resourceCountIs('AWS::EKS::Addon', 0);
    workloadTemplate.resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
    workloadTemplate.resourceCountIs(KUBERNETES_RESOURCE_TYPE, 1);
    expect(validateKubernetesObjects(kubernetesObjects(workloadTemplate))).toBe(3);
    expect(assembly.getStackArtifact(workloadStack.artifactId).messages.filter(m => m.level === 'error')).toEqual([]);
    expect(workload.association.cluster).toBe(cluster);
  });
});

describe('PodIdentityBoundWorkload details the manifest shows', () => {
  const NAME_LABEL = 'app.kubernetes.io/name';
  const podLabelsOf = (objects: KubernetesObject[]) => objectOfKind(objects, 'Deployment').spec.template.metadata.labels;

  test('its own role trusts only its service account (session tags on by default)', () => {
    const { stack, workload } = workloadWith({}, 'Cart');
    const role = Template.fromStack(stack).toJSON().Resources[logicalIdOf(workload.role)];
    const [statement] = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(statement.Condition.StringEquals).toMatchObject({ 'aws:RequestTag/kubernetes-namespace': 'shop', 'aws:RequestTag/kubernetes-service-account': 'cart' });
  });

  test.each([false, true])('the pods carry app.kubernetes.io/name = the Deployment name (cdk8s objects read: %s)', (read) => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE, deploymentName: 'cart-api' });
    if (read) expect(workload.deployment.name).toBe('cart-api');
    expect(podLabelsOf(validObjects(Template.fromStack(stack)))).toMatchObject({ [NAME_LABEL]: 'cart-api' });
  });

  test.each([
    ['63 characters: kept whole', `${'a'.repeat(31)}.${'b'.repeat(31)}`, `${'a'.repeat(31)}.${'b'.repeat(31)}`],
    ['64 characters: cut to 63', `${'a'.repeat(31)}.${'b'.repeat(32)}`, `${'a'.repeat(31)}.${'b'.repeat(31)}`],
    ['cut where dots and dashes end the 63: they are dropped, the inner ones kept', `${'a'.repeat(30)}.${'b'.repeat(30)}--${'c'.repeat(20)}`, `${'a'.repeat(30)}.${'b'.repeat(30)}`],
  ])('the name label of a long Deployment name, %s', (_name, deploymentName, label) => {
    for (const read of [false, true]) {
      const { stack, cluster } = stackWithCluster('imported-eks-v2');
      const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE, deploymentName });
      if (read) expect(workload.deployment.name).toBe(deploymentName);
      expect(podLabelsOf(kubernetesObjects(Template.fromStack(stack)))[NAME_LABEL]).toBe(label);
    }
  });

  test('the chart is named namespace.deployment, or by construct address when either is a token', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const literal = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE, deploymentName: 'cart-api' });
    expect(literal.chart.node.id).toBe('shop.cart-api');
    const tokenNamespace = new PodIdentityBoundWorkload(stack, 'Lazy', { cluster, namespace: Lazy.string({ produce: () => 'lazy' }), image: IMAGE, createNamespace: true });
    expect(tokenNamespace.chart.node.id).toBe(tokenNamespace.node.addr);
    const tokenName = new PodIdentityBoundWorkload(stack, 'LazyName', { cluster, namespace: 'other', image: IMAGE, deploymentName: Lazy.string({ produce: () => 'lazy-name' }) });
    expect(tokenName.chart.node.id).toBe(tokenName.node.addr);
  });

  test('objects added to the chart without a name are named after the chart, without a hash', () => {
    const { stack, cluster } = stackWithCluster(DETAIL_KIND);
    const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: IMAGE });
    new kplus.ConfigMap(workload.chart, 'Settings', { data: { mode: 'prod' } });
    const configMap = objectOfKind(kubernetesObjects(Template.fromStack(stack)), 'ConfigMap');
    expect(configMap.metadata.name).toBe('shop.cart-settings');
  });

  test('the scratch /tmp volume is named tmp; other mounts of the caller do not replace it', () => {
    const chart = new cdk8s.Chart(new cdk8s.App(), 'Volumes');
    const { objects } = workloadWith({ containerOptions: { volumeMounts: [{ path: '/data', volume: kplus.Volume.fromEmptyDir(chart, 'Data', 'data') }] } });
    expect(mainContainer(objects).volumeMounts).toEqual([{ mountPath: '/data', name: 'data' }, { mountPath: '/tmp', name: 'tmp' }]);
    expect(objectOfKind(objects, 'Deployment').spec.template.spec.volumes).toEqual([{ name: 'data', emptyDir: {} }, { name: 'tmp', emptyDir: {} }]);
  });

  test('a /tmp mount of the caller among others: no second /tmp', () => {
    const chart = new cdk8s.Chart(new cdk8s.App(), 'Volumes');
    const { objects } = workloadWith({
      containerOptions: {
        volumeMounts: [
          { path: '/tmp', volume: kplus.Volume.fromEmptyDir(chart, 'Scratch', 'scratch') },
          { path: '/data', volume: kplus.Volume.fromEmptyDir(chart, 'Data', 'data') },
        ],
      },
    });
    expect(mainContainer(objects).volumeMounts).toEqual([{ mountPath: '/tmp', name: 'scratch' }, { mountPath: '/data', name: 'data' }]);
  });

  test('a HOME in containerOptions.envVariables replaces the default, where the caller put it', () => {
    const { objects } = workloadWith({ containerOptions: { envVariables: { Z: kplus.EnvValue.fromValue('1'), HOME: kplus.EnvValue.fromValue('/data') } } });
    expect(mainContainer(objects).env).toEqual([{ name: 'Z', value: '1' }, { name: 'HOME', value: '/data' }]);
  });

  test('a HOME in env replaces the default, where the caller put it, also with containerOptions', () => {
    const { objects } = workloadWith({ env: { Z: '1', HOME: '/data' }, containerOptions: {} });
    expect(mainContainer(objects).env).toEqual([{ name: 'Z', value: '1' }, { name: 'HOME', value: '/data' }]);
  });
});

describe('PodIdentityBoundWorkload errors, and the near misses it accepts', () => {
  function workload(overrides: Partial<PodIdentityBoundWorkloadProps>) {
    const { stack, cluster } = prodClusterStack();
    return new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1', ...overrides });
  }

  test.each([
    ['command', { command: ['a'], containerOptions: { command: ['b'] } }, 'both command (["a"]) and containerOptions.command are set'],
    ['args', { args: ['a'], containerOptions: { args: ['b'] } }, 'both args (["a"]) and containerOptions.args are set'],
    ['port', { port: 8080, containerOptions: { portNumber: 80 } }, 'both port (8080) and containerOptions.portNumber are set'],
    ['port and the deprecated containerOptions.port', { port: 8080, containerOptions: { port: 80 } }, 'both port (8080) and containerOptions.portNumber are set'],
    ['replicas', { replicas: 0, deploymentOptions: { replicas: 1 } }, 'both replicas (0) and deploymentOptions.replicas are set'],
  ])('%s set twice', (name, props, what) => {
    const shorthand = name.split(' ')[0];
    expect(messageOf(() => workload(props as Partial<PodIdentityBoundWorkloadProps>))).toBe(
      `[cdk-eks-pod-identity:ConflictingWorkloadOptions] Stack/Carts: ${what}. Fix: set only one of them (${shorthand} is the shorthand)`);
  });

  test('each of them set once is fine', () => {
    expect(() => workload({ command: ['a'], args: ['b'], port: 8080, replicas: 0 })).not.toThrow();
    expect(() => workload({ containerOptions: { command: ['a'], args: ['b'], portNumber: 80 }, deploymentOptions: { replicas: 3 } })).not.toThrow();
  });

  test.each([
    ['deploymentOptions.replicas', { deploymentOptions: { replicas: -1 } }, 'InvalidReplicas'],
    ['containerOptions.portNumber', { containerOptions: { portNumber: 0 } }, 'InvalidPort'],
    ['the deprecated containerOptions.port', { containerOptions: { port: 70000 } }, 'InvalidPort'],
    ['containerOptions.envVariables', { containerOptions: { envVariables: { '1BAD': kplus.EnvValue.fromValue('x') } } }, 'InvalidEnvName'],
    ['env', { env: { 'MY VAR': 'x' } }, 'InvalidEnvName'],
  ])('values given in %s are checked too', (_name, props, id) => {
    expect(messageOf(() => workload(props as Partial<PodIdentityBoundWorkloadProps>))).toContain(`[cdk-eks-pod-identity:${id}]`);
  });

  test('migratingFromIrsa defaults to false (true needs an OIDC provider: test/irsa-migration.test.ts)', () => {
    expect(workload({}).migratingFromIrsa).toBe(false);
  });

  test('deploymentOptions.serviceAccount', () => {
    const { stack, cluster } = prodClusterStack();
    const serviceAccount = kplus.ServiceAccount.fromServiceAccountName(stack, 'Sa', 'mine');
    expect(messageOf(() => new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1', deploymentOptions: { serviceAccount } }))).toBe(
      '[cdk-eks-pod-identity:ConflictingWorkloadOptions] Stack/Carts: deploymentOptions.serviceAccount is set ("mine") but the workload owns the service account the association binds. '
      + 'Fix: set serviceAccountName instead; to use an existing service account, set createNamespace as needed and use PodIdentityRole.associate() with your own Deployment');
  });

  test('deploymentOptions.containers', () => {
    expect(messageOf(() => workload({ deploymentOptions: { containers: [{ image: 'x' }] } }))).toBe(
      '[cdk-eks-pod-identity:ConflictingWorkloadOptions] Stack/Carts: deploymentOptions.containers is set but the workload owns its main container. '
      + 'Fix: use image/command/args/env/port and containerOptions for the main container, and workload.deployment.addContainer() for sidecars');
  });

  test('the service account name defaults to the construct id as a Kubernetes name; the Deployment name to the service account name', () => {
    const { stack, cluster } = prodClusterStack();
    const w = new PodIdentityBoundWorkload(stack, 'Cart_Service', { cluster, namespace: 'carts', image: 'cart:1' });
    expect(w.serviceAccountName).toBe('cart-service');
    expect(w.deployment.name).toBe('cart-service');
    expect(w.association.serviceAccount).toBe('cart-service');
  });
  describe('bad prop values throw at construct time, naming the value', () => {
    const longName = 'a'.repeat(64);
    test.each([
      // namespace: DNS-1123 label
      ['namespace upper case', () => cartsWorkload({ namespace: 'Carts' }), 'InvalidNamespace', '"Carts"'],
      ['namespace underscore', () => cartsWorkload({ namespace: 'my_ns' }), 'InvalidNamespace', '"my_ns"'],
      ['namespace > 63 chars', () => cartsWorkload({ namespace: longName }), 'InvalidNamespace', `"${longName}"`],
      ['namespace empty', () => cartsWorkload({ namespace: '' }), 'InvalidNamespace', '""'],
      ['namespace leading dash', () => cartsWorkload({ namespace: '-carts' }), 'InvalidNamespace', '"-carts"'],
      // service account: DNS-1123 subdomain
      ['service account > 253 chars', () => cartsWorkload({ serviceAccountName: 'a'.repeat(254) }), 'InvalidServiceAccountName', 'a'.repeat(254)],
      ['service account upper case', () => cartsWorkload({ serviceAccountName: 'Carts' }), 'InvalidServiceAccountName', '"Carts"'],
      // session policy needs session tags off
      ['session policy with session tags on', () => cartsWorkload({
        associationSettings: { sessionPolicy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] }) },
      }), 'SessionPolicyRequiresDisabledSessionTags', 'disableSessionTags is false'],
      // association tags
      ['51 association tags', () => cartsWorkload({
        associationSettings: { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      }), 'TooManyTags', '51 tags'],
      ['tag key > 128 chars', () => cartsWorkload({ associationSettings: { tags: { ['k'.repeat(129)]: 'v' } } }), 'InvalidTag', 'k'.repeat(129)],
      ['tag value > 256 chars', () => cartsWorkload({ associationSettings: { tags: { team: 'v'.repeat(257) } } }), 'InvalidTag', '"team"'],
      ['tag key with aws: prefix', () => cartsWorkload({ associationSettings: { tags: { 'aws:team': 'a' } } }), 'InvalidTag', '"aws:team"'],
      // container and Deployment values
      ['replicas negative', () => cartsWorkload({ replicas: -1 }), 'InvalidReplicas', '-1'],
      ['replicas not an integer', () => cartsWorkload({ replicas: 1.5 }), 'InvalidReplicas', '1.5'],
      ['image empty', () => cartsWorkload({ image: '' }), 'EmptyImage', '""'],
      ['image blank', () => cartsWorkload({ image: '  ' }), 'EmptyImage', '"  "'],
      ['port 0', () => cartsWorkload({ port: 0 }), 'InvalidPort', '0'],
      ['port 70000', () => cartsWorkload({ port: 70000 }), 'InvalidPort', '70000'],
      ['env name starting with a digit', () => cartsWorkload({ env: { '1BAD': 'x' } }), 'InvalidEnvName', '"1BAD"'],
      ['env name with a space', () => cartsWorkload({ env: { 'MY VAR': 'x' } }), 'InvalidEnvName', '"MY VAR"'],
      ['env name set twice', () => cartsWorkload({
        env: { TABLE: 'a' }, containerOptions: { envVariables: { TABLE: kplus.EnvValue.fromValue('b') } },
      }), 'DuplicateEnvName', '"TABLE"'],
    ])('%s', (_name, build, id, value) => {
      expectProblemThrown(build, id, value);
    });
  });
});
