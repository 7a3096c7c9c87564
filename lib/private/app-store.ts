// One helper for state kept per app or per stack: a non-enumerable property under a global symbol, so two copies of
// this library loaded in one app still share it, and nothing shows up in the construct tree or templates.
import { IConstruct } from 'constructs';

/** The value stored on `holder` under `key`, created on first use. */
export function stateOf<T>(holder: IConstruct, key: string, create: () => T): T {
  const symbol = Symbol.for(`cdk-eks-pod-identity.${key}`);
  const object = holder as any;
  if (!Object.prototype.hasOwnProperty.call(object, symbol)) {
    Object.defineProperty(object, symbol, { value: create(), enumerable: false });
  }
  return object[symbol];
}

/** The value stored once per app (on the construct tree's root) under `key`. */
export function appStateOf<T>(scope: IConstruct, key: string, create: () => T): T {
  return stateOf(scope.node.root, key, create);
}
