// Shared by the tests of the errors the constructs throw: the whole message of a thrown error, and the small app the
// messages are written for (an imported aws_eks_v2 cluster named `prod` at Stack/Cluster).
import { App, Stack } from 'aws-cdk-lib';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { ENV, importedEksV2Cluster } from './clusters';

/** Stack `Stack` with the imported cluster `prod` at Stack/Cluster: the paths the expected messages name. */
export function prodClusterStack(): { app: App; stack: Stack; cluster: eksv2.ICluster } {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
  return { app, stack, cluster };
}

/** The message of the error `build` throws (failing the test when it throws none). */
export function messageOf(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** Asserts that `build` throws the error `id`, its message naming `value` and the fix. */
export function expectProblemThrown(build: () => unknown, id: string, value: string): void {
  let error: Error | undefined;
  try {
    build();
  } catch (e) {
    error = e as Error;
  }
  expect(error).toBeDefined();
  expect(error!.message).toContain(`[cdk-eks-pod-identity:${id}]`);
  expect(error!.message).toContain(value);
  expect(error!.message).toContain('Fix:');
}
