import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DataClassification } from '../identity/data-classification';
import { classificationRank } from '../identity/private/classification-ladder';
import { failAt, show } from '../shared/errors';
import { DataStore } from './data-store';
import { acknowledgeFindings } from '../shared/nag-acknowledgements';

/** Properties of `SupportAccess`. */
export interface SupportAccessProps {
  /**
   * Who may assume the support role, e.g. `new iam.AccountPrincipal('222222222222')` or the
   * `iam.ArnPrincipal` of an IAM Identity Center permission-set role. Every assumption must
   * carry MFA and set a source identity.
   */
  readonly assumedBy: iam.IPrincipal;
  /** The stores support may read, across every tenant. */
  readonly stores: DataStore[];
  /**
   * The highest classification support may read.
   * @default DataClassification.INTERNAL
   */
  readonly clearance?: DataClassification;
  /**
   * Physical name of the role.
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;
  /**
   * Description of the role.
   * @default - "Cross-tenant read-only support access"
   */
  readonly description?: string;
}

/** Condition every assumption of the support role must meet. */
const TRUST_CONDITIONS = {
  Bool: { 'aws:MultiFactorAuthPresent': 'true' },
  Null: { 'sts:SourceIdentity': 'false' },
};

/**
 * A role for humans who support every tenant: read-only access to the given stores across
 * tenants (up to a clearance), assumable only with MFA (`aws:MultiFactorAuthPresent`), only while
 * setting a source identity (`sts:SourceIdentity`, which CloudTrail then records on every call of
 * the session, and which cannot be changed by role chaining), and for at most one hour.
 *
 * Note: MFA context is not carried through role chaining; principals that reach this role from
 * another role session need MFA on that session's own assumption (e.g. a federated sign-in with MFA).
 */
export class SupportAccess extends Construct implements iam.IGrantable {
  /** The support role. */
  public readonly role: iam.Role;
  /** ARN of the support role. */
  public readonly roleArn: string;
  /** The highest classification support may read. */
  public readonly clearance: DataClassification;
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: SupportAccessProps) {
    super(scope, id);
    if (!props.assumedBy || typeof props.assumedBy.addToPrincipalPolicy !== 'function') {
      failAt(
        this,
        'assumedBy is required: the principal support staff sign in as, e.g. new iam.AccountPrincipal(...)',
      );
    }
    if (!Array.isArray(props.stores) || props.stores.length === 0) {
      failAt(
        this,
        'stores must list at least one DataStore that support may read, e.g. [DataStore.s3Bucket(bucket)]',
      );
    }
    this.clearance = props.clearance ?? DataClassification.INTERNAL;
    try {
      classificationRank(this.clearance);
    } catch {
      failAt(
        this,
        `clearance ${show(this.clearance)} is not a DataClassification; use DataClassification.INTERNAL or another member`,
      );
    }

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.PrincipalWithConditions(props.assumedBy, TRUST_CONDITIONS),
      roleName: props.roleName,
      description: props.description ?? 'Cross-tenant read-only support access',
      maxSessionDuration: Duration.hours(1),
    });
    this.role.assumeRolePolicy?.addStatements(
      new iam.PolicyStatement({
        actions: ['sts:SetSourceIdentity'],
        principals: [props.assumedBy],
        conditions: TRUST_CONDITIONS,
      }),
    );
    this.roleArn = this.role.roleArn;
    this.grantPrincipal = this.role;
    this.node.defaultChild = this.role.node.defaultChild;

    acknowledgeFindings(this, {
      'NIST.800.53.R5-IAMNoInlinePolicy':
        'the read-only grants of this support role are bound to its lifecycle and must not be attachable to any other ' +
        'principal; they are generated from the store list and reviewed in the entitlement report',
    });
    for (const store of props.stores) {
      if (!(store instanceof DataStore))
        failAt(this, `stores must hold DataStore values, got ${show(typeof store)}`);
      store.grantCrossTenantRead(this, this.clearance);
    }
  }
}
