// Stable placement of fleet workloads into stacks: a pure function of the workload id and the fleet's fixed stack
// count, so adding or removing a workload never moves another (a move would delete and recreate its association).
import * as crypto from 'crypto';

/** The bucket (stack index, 0-based) of a workload id among `stackCount` buckets. */
export function bucketOf(id: string, stackCount: number): number {
  const digest = crypto.createHash('sha256').update(id).digest();
  return digest.readUInt32BE(0) % stackCount;
}
