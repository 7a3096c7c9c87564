// How the constructs' errors name where they were raised (lib/private/errors.ts, withConstructPath): the path of the
// construct that checked the value, once, even for checks that run before the construct exists; errors that are not
// this library's pass through unchanged.
import { PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { kindOf, quote } from '../../lib/private/errors';
import { messageOf, prodClusterStack } from '../helpers/errors';

describe('construct-time errors name the construct they were raised for', () => {
  test('a bad prop of a workload: the path of the construct that checked it, once', () => {
    const { stack, cluster } = prodClusterStack();
    const message = messageOf(() => new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'Carts_NS', serviceAccountName: 'carts', image: 'cart:1' }));
    expect(message).toMatch(/^\[cdk-eks-pod-identity:InvalidNamespace\] Stack\/Carts\/Association: namespace "Carts_NS" is not/);
    expect(message.split('Stack/Carts').length).toBe(2);
  });

  test('checks that run before the role exists (before super) name the path it would have', () => {
    const { stack } = prodClusterStack();
    expect(messageOf(() => new PodIdentityRole(stack, 'Role', { roleName: 'x'.repeat(65) })))
      .toMatch(/^\[cdk-eks-pod-identity:InvalidRoleName\] Stack\/Role: /);
    expect(messageOf(() => new PodIdentityRole(stack, 'Other', { trustConditions: { StringEquals: 'x' as any } })))
      .toMatch(/^\[cdk-eks-pod-identity:InvalidTrustCondition\] /);
  });

  test('an error that is not a problem of this library passes through unchanged', () => {
    const { stack, cluster } = prodClusterStack();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', serviceAccountName: 'carts', image: 'cart:1' });
    // CDK's own error for a duplicate construct id: not prefixed, not re-typed.
    const message = messageOf(() => new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', serviceAccountName: 'c2', image: 'cart:1' }));
    expect(message).toMatch(/There is already a Construct with name 'Carts'/);
    expect(message).not.toMatch(/cdk-eks-pod-identity/);
  });
});

describe('quote and kindOf write any value a JavaScript caller may pass, never throwing', () => {
  const circular: any = {};
  circular.self = circular;
  test.each<[string, unknown, string]>([
    ['a string', 'a"b', '"a\\"b"'],
    ['an object', { a: 1 }, '{"a":1}'],
    ['undefined', undefined, 'undefined'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
    ['a function', () => 1, 'a function'],
    ['a BigInt', BigInt(3), '3'],
    ['a circular object', circular, '[object Object]'],
    ['a circular object without a prototype', Object.assign(Object.create(null), { get self() { return this; } }), '[object Object]'],
  ])('quote(%s)', (_name, value, text) => {
    expect(quote(value)).toBe(text);
  });

  test.each<[unknown, string]>([[null, 'null'], [undefined, 'undefined'], [[], 'an array'], [{}, 'an object'], ['x', 'a string'], [3, 'a number']])(
    'kindOf(%p)', (value, kind) => expect(kindOf(value)).toBe(kind));
});
