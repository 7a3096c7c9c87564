// The registry read directly: what each record call keeps and each query gives back, in order, per role, stack,
// cluster and stage, and a cache of units per stack that sees every unit made since it was filled.
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { agentAddonKey, RegisteredAgentAddon, RegisteredAssociation, RegisteredIrsaTrust, RegisteredWorkload, Registry } from '../../lib/private/registry';
import { ENV } from '../helpers/clusters';

const CLUSTER_NAME = 'shared';

function role(stack: Stack, id: string): iam.IRole {
  return iam.Role.fromRoleName(stack, id, id);
}

/** A construct standing for an association (the registry knows associations only by these fields). */
function association(stack: Stack, id: string, props: { role: iam.IRole; targetRole?: iam.IRole }): RegisteredAssociation {
  return Object.assign(new Construct(stack, id), {
    cluster: eksv2.Cluster.fromClusterAttributes(stack, `${id}Cluster`, { clusterName: CLUSTER_NAME }),
    namespace: 'ns',
    serviceAccount: id.toLowerCase(),
    disableSessionTags: false,
    ...props,
  });
}

function workload(stack: Stack, id: string, of: RegisteredAssociation): RegisteredWorkload {
  return Object.assign(new Construct(stack, id), {
    association: of,
    serviceAccountName: of.serviceAccount,
    _deploymentName: id.toLowerCase(),
    _createsNamespace: false,
    manifest: new Construct(stack, `${id}Manifest`),
    migratingFromIrsa: false,
  });
}

function agentAddon(cluster: eksv2.ICluster): RegisteredAgentAddon {
  return Object.assign(new Construct(cluster, 'Agent'), { cluster });
}

describe('associations', () => {
  test('by role and by target role: exactly the associations made with it, in order', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const registry = Registry.of(stack);
    const [source, target, other] = [role(stack, 'Source'), role(stack, 'Target'), role(stack, 'Other')];
    const chained = association(stack, 'Chained', { role: source, targetRole: target });
    const direct = association(stack, 'Direct', { role: source });
    registry.addAssociation(chained);
    registry.addAssociation(direct);

    expect(registry.associations).toEqual([chained, direct]);
    expect(registry.associationsOf(source)).toEqual([chained, direct]);
    expect(registry.associationsOf(target)).toEqual([]);
    expect(registry.associationsTargeting(target)).toEqual([chained]);
    expect(registry.associationsTargeting(source)).toEqual([]);
    expect(registry.associationsTargeting(other)).toEqual([]);
  });
});

describe('units by stack', () => {
  test('workloads first, then associations, per stack; grouped again after more are made', () => {
    const app = new App();
    const [a, b] = [new Stack(app, 'A', { env: ENV }), new Stack(app, 'B', { env: ENV })];
    const registry = Registry.of(app);
    expect([...registry.unitsByStack()]).toEqual([]);

    // One more workload and one more association: a count of units that ignored either would not see the change.
    const first = association(a, 'First', { role: role(a, 'Role') });
    registry.addAssociation(first);
    const served = workload(a, 'Served', first);
    registry.addWorkload(served);
    expect([...registry.unitsByStack()]).toEqual([[a, [served, first]]]);

    const second = association(b, 'Second', { role: role(b, 'Role') });
    const third = association(a, 'Third', { role: role(a, 'Role2') });
    registry.addAssociation(second);
    registry.addAssociation(third);
    const later = workload(b, 'Later', second);
    registry.addWorkload(later);
    expect([...registry.unitsByStack()]).toEqual([[a, [served, first, third]], [b, [later, second]]]);
  });
});

describe('IRSA trusts', () => {
  test('every trust recorded for a role, in order; none for another role', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const registry = Registry.of(stack);
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc',
      'arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC');
    const [trusting, other] = [role(stack, 'Trusting'), role(stack, 'Other')];
    const trusts: RegisteredIrsaTrust[] = [
      { openIdConnectProvider: provider, namespace: 'a', serviceAccount: 'one' },
      { openIdConnectProvider: provider, namespace: 'b', serviceAccount: 'two' },
    ];
    expect(registry.irsaTrustsOf(trusting)).toEqual([]);
    for (const trust of trusts) registry.addIrsaTrust(trusting, trust);

    expect(registry.irsaTrustsOf(trusting)).toEqual(trusts);
    expect(registry.irsaTrustsOf(other)).toEqual([]);
  });
});

describe('agent add-ons: one per cluster and stage', () => {
  function stageWithCluster(app: App, id: string) {
    const stage = new Stage(app, id);
    const cluster = eksv2.Cluster.fromClusterAttributes(new Stack(stage, 'Stack', { env: ENV }), 'Cluster', { clusterName: CLUSTER_NAME });
    return { stage, cluster };
  }

  test('the same cluster in two stages has two add-ons, each found by its own stage\'s cluster', () => {
    const app = new App();
    const registry = Registry.of(app);
    const [blue, green] = [stageWithCluster(app, 'Blue'), stageWithCluster(app, 'Green')];
    const [blueAgent, greenAgent] = [agentAddon(blue.cluster), agentAddon(green.cluster)];
    registry.addAgentAddon(blueAgent);
    registry.addAgentAddon(greenAgent);

    expect(agentAddonKey(blue.cluster)).not.toEqual(agentAddonKey(green.cluster));
    expect(registry.allAgentAddons).toEqual([blueAgent, greenAgent]);
    expect(registry.agentAddonOf(blue.cluster)).toBe(blueAgent);
    expect(registry.agentAddonOf(green.cluster)).toBe(greenAgent);
  });

  test('the same cluster imported twice in one stage is one add-on', () => {
    const app = new App();
    const registry = Registry.of(app);
    const stack = new Stack(app, 'S', { env: ENV });
    const first = eksv2.Cluster.fromClusterAttributes(stack, 'First', { clusterName: CLUSTER_NAME });
    const again = eksv2.Cluster.fromClusterAttributes(stack, 'Again', { clusterName: CLUSTER_NAME });
    const agent = agentAddon(first);
    registry.addAgentAddon(agent);

    expect(registry.agentAddonOf(again)).toBe(agent);
    expect(registry.allAgentAddons).toEqual([agent]);
  });

  test('a cluster in a construct tree without any stage (a plain Construct as root) has its add-on too', () => {
    const root = new Construct(undefined as any, '');
    const cluster = eksv2.Cluster.fromClusterAttributes(new Stack(root, 'S', { env: ENV }), 'Cluster', { clusterName: CLUSTER_NAME });
    expect(Stage.of(cluster)).toBeUndefined();
    const registry = Registry.of(cluster);
    const agent = agentAddon(cluster);
    registry.addAgentAddon(agent);

    expect(registry.agentAddonOf(cluster)).toBe(agent);
    expect(registry.allAgentAddons).toEqual([agent]);
  });
});
