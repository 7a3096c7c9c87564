// Stages (CDK Pipelines waves) that use one cluster name: nothing may depend on a construct of another stage, and
// environment-agnostic stages may be deployed to different accounts, so they are different clusters.
import { App, Stack, Stage } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AdversarialRow, adversarialTable } from './harness';
import { PodIdentityAgentAddon, PodIdentityBoundWorkload } from '../../lib';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';

/** Stages Dev and Prod, each a stack importing cluster `main` and running one workload in a namespace of its own. */
function stagesApp(env: typeof ENV | undefined, prodAgent: 'implicit' | 'installed' = 'implicit'): App {
  const app = new App();
  for (const name of ['Dev', 'Prod']) {
    const stage = new Stage(app, name, { env });
    const stack = new Stack(stage, 'Apps');
    const cluster = importedEksV2Cluster(stack, 'Cluster', 'main');
    if (name === 'Prod' && prodAgent === 'installed') PodIdentityAgentAddon.fromInstalledAddon(stack, 'Agent', cluster);
    new PodIdentityBoundWorkload(stack, 'Api', { cluster, namespace: name.toLowerCase(), image: 'public.ecr.aws/docker/library/busybox:1.36' });
  }
  return app;
}

/** The resources of stack Apps of a stage, by type. */
function resourcesOf(assembly: CloudAssembly, stage: string, type: string): any[] {
  const template = assembly.getNestedAssembly(`assembly-${stage}`).getStackByName(`${stage}-Apps`).template;
  return Object.values<any>(template.Resources).filter(resource => resource.Type === type);
}

const rows: AdversarialRow[] = [
  {
    name: 'the app checks report inside a nested stage (a CDK Pipelines wave): two workloads creating one namespace',
    build: () => {
      const app = new App();
      const stack = new Stack(new Stage(app, 'Prod', { env: ENV }), 'Apps');
      const cluster = importedEksV2Cluster(stack, 'Cluster', 'main');
      for (const id of ['A', 'B']) new PodIdentityBoundWorkload(stack, id, { cluster, namespace: 'shop', image: 'public.ecr.aws/docker/library/busybox:1.36' });
      return app;
    },
    expect: { error: 'NamespaceCreatedTwice' },
  },
  {
    name: 'two environment-agnostic stages importing cluster main: an agent add-on in each, each association waiting for its own',
    build: () => stagesApp(undefined),
    expect: {
      correct: assembly => {
        for (const stage of ['Dev', 'Prod']) {
          expect(resourcesOf(assembly, stage, 'AWS::EKS::Addon')).toHaveLength(1);
          const [association] = resourcesOf(assembly, stage, 'AWS::EKS::PodIdentityAssociation');
          expect(association.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/PodIdentityAgentAddon/)]));
        }
      },
    },
  },
  {
    name: 'two stages of one literal account and region importing cluster main: two agent add-ons for one cluster',
    build: () => stagesApp(ENV),
    expect: { error: 'DuplicateAgentAddon' },
  },
  {
    name: 'near miss, accepted: the same, with the agent recorded as installed in the stage deployed second',
    build: () => stagesApp(ENV, 'installed'),
    expect: {
      correct: assembly => {
        expect(resourcesOf(assembly, 'Dev', 'AWS::EKS::Addon')).toHaveLength(1);
        expect(resourcesOf(assembly, 'Prod', 'AWS::EKS::Addon')).toHaveLength(0);
      },
    },
  },
];

adversarialTable(rows);
