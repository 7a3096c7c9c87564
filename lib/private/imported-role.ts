// A role made elsewhere, imported by ARN as a construct of this library: every permission change goes to aws-cdk-lib's
// role import (`iam.Role.fromRoleArn`), which it wraps. PodIdentityRole.fromPodIdentityRoleArn adds `associate()`.
import { Resource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { WRAPPED_ROLE } from './aws-cdk-internals';

/** An IAM role imported by ARN; permissions go to aws-cdk-lib's role import, marked as wrapped (`isImmutableRole`). */
export abstract class ImportedRole extends Resource implements iam.IRole {
  public readonly roleArn: string;
  public readonly roleName: string;
  public readonly roleRef: iam.RoleReference;
  public readonly grantPrincipal: iam.IPrincipal;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;
  private readonly imported: iam.IRole;

  constructor(scope: Construct, id: string, roleArn: string, options: iam.FromRoleArnOptions) {
    super(scope, id, { environmentFromArn: roleArn });
    this.imported = iam.Role.fromRoleArn(this, 'Role', roleArn, options);
    Object.defineProperty(this, WRAPPED_ROLE, { value: this.imported, enumerable: false });
    this.roleArn = this.imported.roleArn;
    this.roleName = this.imported.roleName;
    this.roleRef = this.imported.roleRef;
    this.grantPrincipal = this.imported.grantPrincipal;
    this.assumeRoleAction = this.imported.assumeRoleAction;
    this.principalAccount = this.imported.principalAccount;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.imported.policyFragment;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.imported.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    return this.imported.addToPrincipalPolicy(statement);
  }

  public attachInlinePolicy(policy: iam.Policy): void {
    this.imported.attachInlinePolicy(policy);
  }

  public addManagedPolicy(policy: iam.IManagedPolicy): void {
    this.imported.addManagedPolicy(policy);
  }

  public grant(grantee: iam.IPrincipal, ...actions: string[]): iam.Grant {
    return this.imported.grant(grantee, ...actions);
  }

  public grantPassRole(grantee: iam.IPrincipal): iam.Grant {
    return this.imported.grantPassRole(grantee);
  }

  public grantAssumeRole(grantee: iam.IPrincipal): iam.Grant {
    return this.imported.grantAssumeRole(grantee);
  }
}
