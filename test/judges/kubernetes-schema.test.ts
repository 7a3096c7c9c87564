// The Kubernetes schema judge can say no: objects that break the published schemas, and kinds it has no schema for.
import { validateKubernetesObjects } from './kubernetes-schema';

const deployment = (spec: Record<string, any>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'cart', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'cart' } },
    template: { metadata: { labels: { app: 'cart' } }, spec: { containers: [{ name: 'cart', image: 'cart:1' }] } },
    ...spec,
  },
});

test('a valid Deployment passes and is counted', () => {
  expect(validateKubernetesObjects([deployment({})])).toBe(1);
});

test.each([
  ['replicas that is not a number', deployment({ replicas: 'two' })],
  ['a Deployment without a selector', deployment({ selector: undefined })],
  ['a container without a name', deployment({ template: { spec: { containers: [{ image: 'cart:1' }] } } })],
  ['a ServiceAccount with automountServiceAccountToken as a string', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' }, automountServiceAccountToken: 'yes' }],
])('rejects %s, naming the object', (_, object) => {
  expect(() => validateKubernetesObjects([object])).toThrow(/is invalid/);
});

test('an object of a kind without a registered schema fails instead of passing unchecked', () => {
  expect(() => validateKubernetesObjects([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]))
    .toThrow(/no Kubernetes schema registered for example.com\/v1\/Widget/);
});
