// NamespaceNotCreated: the whole message, and what counts as created.
import { Annotations, App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { messagesOf, setup, withId } from './helpers';
import { PodIdentityAddon, PodIdentityAgentAddon, PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { ENV, importedEksV2Cluster, newEksV2Cluster } from '../helpers/clusters';
import { prodClusterStack } from '../helpers/errors';
import { warningsOf } from '../helpers/stack-messages';

describe('NamespaceNotCreated', () => {
  test('a namespace nothing creates: a warning naming it', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'payments', serviceAccount: 'api' });
    const [warning, ...others] = withId(messagesOf(app), 'NamespaceNotCreated');
    expect(others).toEqual([]);
    expect(warning.level).toBe('warning');
    expect(warning.path).toBe('/Stack/Role/Association0');
    expect(warning.text).toContain('[cdk-eks-pod-identity:NamespaceNotCreated] namespace "payments" is neither created by this app nor a Kubernetes built-in; pods of the association cannot start until it exists. '
      + 'Fix: create it (a PodIdentityBoundWorkload with createNamespace: true, or cluster.addManifest), or, if it exists already, acknowledge with Annotations.of(scope).acknowledgeWarning(\'cdk-eks-pod-identity:NamespaceNotCreated\')');
  });

  test('built-ins, namespaces of workloads on the same cluster, manifests and Helm charts with createNamespace count as created', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'c:1' });
    cluster.addManifest('Payments', { apiVersion: 'v1', kind: 'Namespace' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'y' } });
    cluster.addHelmChart('Monitoring', { chart: 'grafana', repository: 'https://grafana.github.io/helm-charts', namespace: 'monitoring', createNamespace: true });
    const role = new PodIdentityRole(stack, 'Role');
    for (const namespace of ['carts', 'payments', 'monitoring', 'default', 'kube-system']) role.associate(cluster, { namespace, serviceAccount: 'app' });
    role.associate(cluster, { namespace: new CfnParameter(stack, 'Namespace').valueAsString, serviceAccount: 'app' });
    expect(withId(messagesOf(app), 'NamespaceNotCreated')).toEqual([]);
  });

  test('a manifest with tokens inside is not read: its namespaces do not count as created', () => {
    const { app, stack, cluster } = setup();
    const team = new CfnParameter(stack, 'Team').valueAsString;
    cluster.addManifest('Tokens', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments', labels: { team } } });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'payments', serviceAccount: 'api' });
    expect(withId(messagesOf(app), 'NamespaceNotCreated').map(m => m.path)).toEqual(['/Stack/Role/Association0']);
  });

  test('a manifest object without metadata (a manifest not pruned, so not labelled) names no namespace', () => {
    const { app, stack, cluster } = setup();
    new eksv2.KubernetesManifest(stack, 'Unlabelled', { cluster, prune: false, manifest: [{ apiVersion: 'v1', kind: 'Namespace' }] });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'payments', serviceAccount: 'api' });
    expect(withId(messagesOf(app), 'NamespaceNotCreated').map(m => m.path)).toEqual(['/Stack/Role/Association0']);
  });

  test('not created: a workload\'s namespace on another cluster, a Helm chart without createNamespace, a manifest\'s other objects', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster: importedEksV2Cluster(stack, 'Staging', 'staging'), namespace: 'carts', image: 'c:1' });
    cluster.addHelmChart('Monitoring', { chart: 'grafana', repository: 'https://grafana.github.io/helm-charts', namespace: 'monitoring', createNamespace: false });
    cluster.addManifest('Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'y', namespace: 'y' } });
    const role = new PodIdentityRole(stack, 'Role');
    new PodIdentityBoundWorkload(stack, 'Shop', { cluster, namespace: 'shop', serviceAccountName: 'api', deploymentName: 'web', image: 's:1' });
    for (const namespace of ['carts', 'monitoring', 'y', 'api', 'web']) role.associate(cluster, { namespace, serviceAccount: 'app' });
    expect(withId(messagesOf(app), 'NamespaceNotCreated').map(m => m.text.match(/namespace "([^"]+)"/)?.[1])).toEqual(['carts', 'monitoring', 'y', 'api', 'web']);
  });

  test('an add-on\'s associations are in the namespace the add-on creates: no NamespaceNotCreated', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityAddon(stack, 'Cw', { cluster, addonName: 'amazon-cloudwatch-observability' });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'amazon-cloudwatch', serviceAccount: 'other' });
    expect(withId(messagesOf(app), 'NamespaceNotCreated').map(m => m.path)).toEqual(['/Stack/Role/Association0']);
  });

  test('no warning for a namespace a workload creates, cluster.addManifest creates, or a built-in', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = newEksV2Cluster(stack);
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1' });
    cluster.addManifest('Payments', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } });
    const role = new PodIdentityRole(stack, 'Role');
    role.associate(cluster, { namespace: 'carts', serviceAccount: 'worker' });
    role.associate(cluster, { namespace: 'payments', serviceAccount: 'api' });
    role.associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    app.synth();
    expect(warningsOf(stack)).toEqual([]);
  });

  test('the warning can be acknowledged by its id', () => {
    const { app, stack, cluster } = prodClusterStack();
    PodIdentityAgentAddon.of(cluster); // the agent is not installed yet, stated (else AgentAddonOnImportedCluster warns)
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'payments', serviceAccount: 'api' });
    Annotations.of(stack).acknowledgeWarning('cdk-eks-pod-identity:NamespaceNotCreated', 'created by the platform team');
    app.synth();
    expect(warningsOf(stack)).toEqual([]);
  });
});
