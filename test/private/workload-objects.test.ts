// A workload's objects (workload-objects.ts) are rendered once per synthesis, for its manifest and the app checks together, and
// keeps only the parts the checks read once the manifest holds its string (a fleet's objects are not all held).
import * as kplus from 'cdk8s-plus-28';
import { PodIdentityBoundWorkload } from '../../lib';
import { WorkloadObjects } from '../../lib/private/workload-objects';
import { importedEksV2Cluster, newStack } from '../helpers/clusters';

function workloadIn(options: { env?: Record<string, string> } = {}) {
  const { app, stack } = newStack();
  const cluster = importedEksV2Cluster(stack);
  const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: 'nginx:1.27', env: options.env });
  return { app, workload };
}

test('one rendering per synthesis serves the manifest and the checks', () => {
  const { app, workload } = workloadIn({ env: { AWS_PROFILE: 'dev' } });
  let renders = 0;
  const objects = WorkloadObjects.of(workload);
  const render = objects.render.bind(objects);
  objects.render = () => (renders++, render());
  const messages = app.synth().stacks.flatMap(stack => stack.messages.map(m => String(m.entry.data)));
  expect(renders).toBe(1);
  // The checks still saw the Deployment's environment.
  expect(messages.filter(text => text.startsWith('[cdk-eks-pod-identity:CredentialEnvOverridesPodIdentity]'))).toHaveLength(1);
});

test('the parts the checks read: kind, name and annotations; a Deployment\'s pod labels, service account and env names', () => {
  const { workload } = workloadIn({ env: { TABLE: 'carts' } });
  workload.serviceAccount.metadata.addAnnotation('team', 'shop');
  workload.deployment.addContainer({ name: 'sidecar', image: 'busybox:1.36', envVariables: { MODE: kplus.EnvValue.fromValue('x') } });
  expect(WorkloadObjects.of(workload).checkedObjects()).toEqual([
    { kind: 'Namespace', metadata: { name: 'shop', annotations: undefined } },
    { kind: 'ServiceAccount', metadata: { name: 'cart', annotations: { team: 'shop' } } },
    {
      kind: 'Deployment',
      metadata: { name: 'cart', annotations: undefined },
      spec: {
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'cart', 'cdk8s.io/metadata.addr': 'shop.cart-Deployment-c88cc458' } },
          spec: { serviceAccountName: 'cart', containers: [{ env: [{ name: 'HOME' }, { name: 'TABLE' }] }, { env: [{ name: 'MODE' }] }] },
        },
      },
    },
  ]);
});
