// Which policies must exist before pods get credentials: one rule (lib/private/role-permissions.ts), read by the
// association, by the add-on for its associations, and by the managed-policies-per-role quota.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Dependable, IConstruct } from 'constructs';
import { PodIdentityAddon, PodIdentityAssociation, PodIdentityRole } from '../../lib';
import { managedPolicyCountOf, permissionsOf, policiesAttachedTo, whileAspectsRun } from '../../lib/private/role-permissions';
import { ENV, importedEksV2Cluster, newStack } from '../helpers/clusters';
import { logicalIdOf } from '../helpers/logical-id';

const STATEMENTS = [new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::b'] })];
const DOCUMENT = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b' }] };

const pathsOf = (constructs: IConstruct[]) => constructs.map(construct => construct.node.path).sort();

/** A role with a policy of each kind attached, plus policies of another role and of a user only. */
function roleWithPolicies() {
  const { app, stack } = newStack();
  const role = new PodIdentityRole(stack, 'Role');
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }));
  new iam.ManagedPolicy(stack, 'Managed', { roles: [role], statements: STATEMENTS });
  new iam.Policy(stack, 'Inline', { roles: [role], statements: STATEMENTS });
  role.attachInlinePolicy(new iam.Policy(stack, 'Attached', { statements: STATEMENTS }));
  const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  new iam.Policy(stack, 'OthersPolicy', { roles: [other], statements: STATEMENTS });
  new iam.Policy(stack, 'UsersOnly', { users: [new iam.User(stack, 'User')], statements: STATEMENTS });
  return { app, stack, role };
}

const OWN_POLICIES = ['TestStack/Attached/Resource', 'TestStack/Inline/Resource', 'TestStack/Managed/Resource', 'TestStack/Role/DefaultPolicy/Resource'];

describe('policiesAttachedTo', () => {
  test('every policy naming the role in its stack: default policy, iam.Policy, attachInlinePolicy, managed policy; not the role itself', () => {
    const { role } = roleWithPolicies();
    expect(pathsOf(policiesAttachedTo(role))).toEqual(OWN_POLICIES);
  });

  test('an L1 policy naming the role by its roleName, or an imported role by its literal name', () => {
    const { stack } = newStack();
    const role = new PodIdentityRole(stack, 'Role');
    const imported = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111111111111:role/readers');
    new iam.CfnPolicy(stack, 'ForRole', { policyName: 'r', policyDocument: DOCUMENT, roles: ['other', role.roleName] });
    new iam.CfnPolicy(stack, 'ForImported', { policyName: 'i', policyDocument: DOCUMENT, roles: ['readers'] });
    new iam.CfnPolicy(stack, 'ForNoRole', { policyName: 'n', policyDocument: DOCUMENT, users: ['someone'] });
    // Not a policy, though it lists the role by name.
    new iam.CfnInstanceProfile(stack, 'Profile', { roles: [role.roleName, 'readers'] });
    expect(pathsOf(policiesAttachedTo(role))).toEqual(['TestStack/ForRole']);
    expect(pathsOf(policiesAttachedTo(imported))).toEqual(['TestStack/ForImported']);
  });

  test('only policies of the role\'s stack', () => {
    const { app, stack } = newStack();
    const role = new PodIdentityRole(stack, 'Role');
    new iam.Policy(new Stack(app, 'Other', { env: ENV }), 'Elsewhere', { roles: [role], statements: STATEMENTS });
    expect(policiesAttachedTo(role)).toEqual([]);
  });

  test('while aspects run, what is read is not kept: a policy attached later still counts afterwards', () => {
    const { stack, role } = roleWithPolicies();
    expect(whileAspectsRun(() => pathsOf(policiesAttachedTo(role)))).toEqual(OWN_POLICIES);
    new iam.Policy(stack, 'Later', { roles: [role], statements: STATEMENTS });
    expect(pathsOf(policiesAttachedTo(role))).toEqual([...OWN_POLICIES, 'TestStack/Later/Resource'].sort());
  });
});

describe('permissionsOf', () => {
  test('its dependency roots are the attached policies, found when read (a policy attached after the call counts)', () => {
    const { stack, role } = roleWithPolicies();
    const permissions = permissionsOf(role);
    new iam.Policy(stack, 'Later', { roles: [role], statements: STATEMENTS });
    expect(pathsOf(Dependable.of(permissions).dependencyRoots)).toEqual([...OWN_POLICIES, 'TestStack/Later/Resource'].sort());
  });

  test('the association and the add-on wait for the same policies of a role (and neither for the role resource)', () => {
    const { stack, role } = roleWithPolicies();
    const cluster = importedEksV2Cluster(stack);
    new PodIdentityAssociation(stack, 'Association', { cluster, role, namespace: 'app', serviceAccount: 'app' });
    new PodIdentityAddon(stack, 'Efs', { cluster, addonName: 'aws-efs-csi-driver', serviceAccounts: [{ serviceAccount: 'efs-csi-controller-sa', role }] });
    const policyIds = policiesAttachedTo(role).map(policy => stack.resolve((policy as iam.CfnPolicy).logicalId)).sort();
    const template = Template.fromStack(stack).toJSON().Resources;
    const dependsOnOf = (type: string) => Object.values<any>(template).filter(resource => resource.Type === type).map(resource => resource.DependsOn);
    const agent = Object.keys(template).find(id => template[id].Properties?.AddonName === 'eks-pod-identity-agent');
    expect(dependsOnOf('AWS::EKS::PodIdentityAssociation')).toEqual([[agent, ...policyIds].sort()]);
    expect(dependsOnOf('AWS::EKS::Addon').filter(dependsOn => dependsOn !== undefined).map(ids => [...ids].sort())).toEqual([[agent, ...policyIds].sort()]);
    expect(policyIds).not.toContain(logicalIdOf(role));
  });
});

describe('managedPolicyCountOf', () => {
  test('managed policy ARNs of the role and customer managed policies naming it, each once', () => {
    const { stack } = newStack();
    const role = new PodIdentityRole(stack, 'Role', { managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')] });
    const managed = new iam.ManagedPolicy(stack, 'Managed', { roles: [role], statements: STATEMENTS });
    new iam.Policy(stack, 'Inline', { roles: [role], statements: STATEMENTS });
    expect(managedPolicyCountOf(role, 10)).toBe(2);
    // The same policy named twice (in the role's list and by the policy's own roles) counts once, once above the quota.
    role.addManagedPolicy(managed);
    expect(managedPolicyCountOf(role, 10)).toBe(3);
    expect(managedPolicyCountOf(role, 1)).toBe(2);
  });

  test('undefined for a role not defined in the app', () => {
    const { stack } = newStack();
    expect(managedPolicyCountOf(iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111111111111:role/readers'), 10)).toBeUndefined();
  });
});
