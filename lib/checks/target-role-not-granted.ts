import { Token } from 'aws-cdk-lib';
import { RoleChaining } from './check';
import { isImmutableRole } from '../private/aws-cdk-internals';
import { annotateWarning } from '../private/errors';

/**
 * `TargetRoleNotGranted`: the association role could not be allowed to assume the target role: it is immutable here
 * (imported with `mutable: false`, or from another account), where aws-cdk-lib may even report the statement as added
 * and drop it.
 */
export function checkTargetRoleNotGranted({ association, role, targetRole, actions, granted }: RoleChaining): void {
  if (granted && !isImmutableRole(role)) return;
  annotateWarning(association, 'TargetRoleNotGranted',
    `role ${role.node.path} is immutable here (imported with mutable: false, or from another account), so it could not be allowed ${actions.join(' and ')} on the target role ${targetRole.node.path}${granted ? '; aws-cdk-lib reports the statement as added but drops it' : ''}`,
    `add ${JSON.stringify({ Effect: 'Allow', Action: actions, Resource: Token.isUnresolved(targetRole.roleArn) ? `<ARN of ${targetRole.node.path}>` : targetRole.roleArn })} to the role's policies where it is defined`);
}
