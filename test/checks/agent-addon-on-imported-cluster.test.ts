// AgentAddonOnImportedCluster: the warning on imported clusters, its fix, and the explicit choices that silence it.
import { Annotations, App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PodIdentityAddon, PodIdentityAgentAddon, PodIdentityBoundWorkload, WorkloadFleet } from '../../lib';
import { AnyCluster, ClusterKind, IMPORTED_CLUSTER_KINDS, NEW_CLUSTER_KINDS, importedEksV2Cluster, newStack, stackWithCluster } from '../helpers/clusters';

const ID = 'AgentAddonOnImportedCluster';

function workload(stack: Stack, cluster: AnyCluster, id = 'Carts') {
  return new PodIdentityBoundWorkload(stack, id, { cluster, namespace: id.toLowerCase(), serviceAccountName: id.toLowerCase(), image: 'cart:1' });
}

/** The warnings with the id, as `path: message`. */
function agentWarnings(stack: Stack): string[] {
  return (stack.node.root as App).synth().getStackArtifact(stack.artifactId).messages
    .filter(m => m.level === 'warning' && String(m.entry.data).includes(`[cdk-eks-pod-identity:${ID}]`))
    .map(m => `${m.id}: ${m.entry.data}`);
}

describe.each(IMPORTED_CLUSTER_KINDS)('on an imported cluster (%s)', (kind: ClusterKind) => {
  test('a workload that makes the library create the agent add-on warns once, on the add-on, naming the fix', () => {
    const { stack, cluster } = stackWithCluster(kind);
    workload(stack, cluster, 'Carts');
    workload(stack, cluster, 'Orders');

    Template.fromStack(stack).resourceCountIs('AWS::EKS::Addon', 1);
    const warnings = agentWarnings(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('/TestStack/Cluster/PodIdentityAgentAddon: ');
    expect(warnings[0]).toContain(`imported cluster "${cluster.clusterName}" (first needed by TestStack/Carts/Association)`);
    expect(warnings[0]).toContain('"Addon already exists"');
    expect(warnings[0]).toContain('Fix: if the cluster runs the agent, call PodIdentityAgentAddon.fromInstalledAddon(scope, id, cluster)');
    expect(warnings[0]).toContain('PodIdentityAgentAddon.of(cluster) before anything uses the cluster');
  });

  test('an EKS add-on with roles and a fleet warn the same way', () => {
    const { stack, cluster } = stackWithCluster(kind);
    new PodIdentityAddon(stack, 'EbsCsi', { cluster, addonName: 'aws-ebs-csi-driver' });
    expect(agentWarnings(stack)).toEqual([expect.stringContaining('first needed by TestStack/EbsCsi')]);

    const other = stackWithCluster(kind);
    new WorkloadFleet(other.stack, 'Fleet', { cluster: other.cluster }).addWorkload('carts', { namespace: 'carts', image: 'cart:1' });
    expect(agentWarnings(other.stack)).toEqual([expect.stringContaining('first needed by TestStack/Fleet')]);
  });

  test.each<[string, (stack: Stack, cluster: AnyCluster) => void, number]>([
    ['PodIdentityAgentAddon.of(cluster) first', (_stack, cluster) => PodIdentityAgentAddon.of(cluster), 1],
    ['new PodIdentityAgentAddon first', (stack, cluster) => new PodIdentityAgentAddon(stack, 'Agent', { cluster }), 1],
    ['fromInstalledAddon first', (stack, cluster) => PodIdentityAgentAddon.fromInstalledAddon(stack, 'Agent', cluster), 0],
  ])('no warning when the user chose explicitly: %s', (_name, choose, addons) => {
    const { stack, cluster } = stackWithCluster(kind);
    choose(stack, cluster);
    workload(stack, cluster);
    Template.fromStack(stack).resourceCountIs('AWS::EKS::Addon', addons);
    expect(agentWarnings(stack)).toEqual([]);
  });

  test('the warning can be acknowledged by its id', () => {
    const { stack, cluster } = stackWithCluster(kind);
    workload(stack, cluster);
    Annotations.of(stack).acknowledgeWarning(`cdk-eks-pod-identity:${ID}`, 'this cluster has no agent yet');
    expect(agentWarnings(stack)).toEqual([]);
  });
});

test('a cluster whose name is a token is named by its construct path, not the token', () => {
  const { stack } = newStack();
  const cluster = importedEksV2Cluster(stack, 'ByParameter', new CfnParameter(stack, 'ClusterName').valueAsString);
  workload(stack, cluster);
  const warnings = agentWarnings(stack);
  expect(warnings).toEqual([expect.stringContaining('on the imported cluster TestStack/ByParameter (first needed by TestStack/Carts/Association)')]);
  expect(warnings[0]).not.toContain('${Token[');
});

describe.each(NEW_CLUSTER_KINDS)('on a new cluster (%s)', (kind: ClusterKind) => {
  test('no warning: the app creates the cluster, so the add-on cannot exist yet', () => {
    const { stack, cluster } = stackWithCluster(kind);
    workload(stack, cluster);
    Template.fromStack(stack).resourceCountIs('AWS::EKS::Addon', 1);
    expect(agentWarnings(stack)).toEqual([]);
  });
});
