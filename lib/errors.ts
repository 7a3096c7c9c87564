import { problemIdOf } from './private/errors';

/**
 * Recognises the errors this library throws for bad inputs. Each carries a stable problem id (the `Id` in
 * `[cdk-eks-pod-identity:Id] ...`, listed in docs/errors.md), so callers can catch by id:
 *
 * ```ts
 * try { ... } catch (e) { if (PodIdentityErrors.problemIdOf(e) === 'InvalidNamespace') { ... } }
 * ```
 */
export class PodIdentityErrors {
  /** Whether `error` was thrown by this library for a bad input. */
  public static isPodIdentityError(error: any): boolean {
    return problemIdOf(error) !== undefined;
  }

  /**
   * The problem id of an error thrown by this library (e.g. `InvalidNamespace`).
   *
   * @returns the id, or undefined when `error` is not one of this library's errors
   */
  public static problemIdOf(error: any): string | undefined {
    return problemIdOf(error);
  }

  private constructor() {}
}
