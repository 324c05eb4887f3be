import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { failAt, show } from '../shared/errors';
import { serviceActions } from '../shared/iam-catalog';
import { acknowledgeControlTowerFindings } from '../shared/control-tower-acknowledgements';
import { acknowledgeFindings } from '../shared/nag-acknowledgements';
import {
  AGENT_RUNTIME_ACTIONS,
  AGENT_SERVICES,
  PERMISSIONS_GUARDRAILS,
  PERMISSIONS_GUARDRAIL_POLICIES,
  PERMISSIONS_GUARDRAIL_POLICIES_WITHIN_CEILING,
  permissionsGuardrailStatement,
} from './private/permissions-guardrails';

const BOUNDARY_ID = 'AgentBoundary';
const CEILING_REASON =
  'a permissions boundary grants nothing: an agent may do only what its own policies allow AND the boundary allows; ' +
  'the boundary names the services agents use (service:*) as the ceiling the explicit permissions-guardrail denies are carved from, ' +
  'and it is never attached as a grant';
/** Services whose every write is a permissions guardrail: never part of the ceiling. */
const NEVER_IN_CEILING = ['iam', 'organizations', 'cloudtrail', 'sso', 'account'];

/**
 * The permissions guardrails shared by every agent in a stack: one permissions boundary and the explicit-deny
 * policies, created once per stack however many agents it holds.
 *
 * The boundary is a ceiling, not a grant: it allows only the services agents use
 * ({@link AGENT_SERVICES}) and the runtime actions their compute needs ({@link AGENT_RUNTIME_ACTIONS}),
 * less the permissions guardrails; what an agent may actually do comes only from its own grants. The permissions-guardrail
 * policies repeat every rail as identity policies (in as many managed policies as IAM's size limit
 * needs), so they hold even on a role whose boundary was opted out of, and their explicit denies
 * also stop grants made by resource policies.
 */
export class AgentBoundary extends Construct {
  /** The stack's shared boundary, created on first use. */
  public static of(scope: IConstruct): AgentBoundary {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(BOUNDARY_ID);
    if (existing instanceof AgentBoundary) return existing;
    return new AgentBoundary(stack, BOUNDARY_ID);
  }

  /** The managed policy used as the permissions boundary of every agent role. */
  public readonly boundary: iam.ManagedPolicy;
  /** The managed policy of permissions guardrails every agent role carries. */
  public readonly permissionsGuardrails: iam.ManagedPolicy;
  private beyondCeiling?: iam.ManagedPolicy[];
  private readonly ceiling = new iam.PolicyStatement({
    sid: 'Ceiling',
    actions: [...AGENT_SERVICES.map((s) => `${s}:*`), ...AGENT_RUNTIME_ACTIONS],
    resources: ['*'],
  });
  private readonly boundedRoles: iam.IRole[] = [];
  private readonly addedServices: string[] = [];

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    this.boundary = new iam.ManagedPolicy(this, 'Boundary', {
      description: 'cdk-agent-identity: permissions boundary shared by the AI agents of this stack',
      statements: [
        this.ceiling,
        ...PERMISSIONS_GUARDRAILS.filter((r) => !r.beyondCeiling).map(permissionsGuardrailStatement),
      ],
    });
    const ceiling = CEILING_REASON;
    acknowledgeFindings(this.boundary, {
      'AwsSolutions-IAM5[Resource::*]': ceiling,
      ...Object.fromEntries(AGENT_SERVICES.map((s) => [`AwsSolutions-IAM5[Action::${s}:*]`, ceiling])),
      'NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess': ceiling,
    });
    acknowledgeControlTowerFindings(this.boundary, {
      iam_managed_policy_no_statements_with_full_access_check: ceiling,
    });
    const within = this.policies(0, PERMISSIONS_GUARDRAIL_POLICIES_WITHIN_CEILING);
    if (within.length !== 1) {
      throw new Error('the permissions guardrails within the ceiling must fit one managed policy');
    }
    this.permissionsGuardrails = within[0];
  }

  /**
   * The managed policy of permissions guardrails every agent role carries.
   * @deprecated use `permissionsGuardrails`
   */
  public get guardRails(): iam.ManagedPolicy {
    return this.permissionsGuardrails;
  }

  /**
   * The permissions-guardrail policies an agent role carries: the rails of the services the ceiling lets
   * through on every role; for a role without the boundary also the rails beyond the ceiling
   * (created on first use, so a stack whose agents all keep the boundary has none of them).
   */
  public permissionsGuardrailPoliciesFor(role: iam.IRole, bounded: boolean): iam.ManagedPolicy[] {
    if (bounded && this.addedServices.length === 0) {
      this.boundedRoles.push(role);
      return [this.permissionsGuardrails];
    }
    return [this.permissionsGuardrails, ...this.beyondCeilingPolicies()];
  }

  /** How many permissions-guardrail policies a role carries (for the managed-policy limit of a role). */
  public permissionsGuardrailPolicyCount(bounded: boolean): number {
    return bounded && this.addedServices.length === 0
      ? 1
      : 1 + (PERMISSIONS_GUARDRAIL_POLICIES.length - PERMISSIONS_GUARDRAIL_POLICIES_WITHIN_CEILING);
  }

  /**
   * Lets the agents of this stack use more services than {@link AGENT_SERVICES}, e.g.
   * `AgentBoundary.of(stack).allowServices('sagemaker')` for agents that register models. Each
   * service is added to the ceiling as `service:*`; every agent role of the stack then also
   * carries the permissions guardrails beyond the ceiling, so the escalation paths of the added services stay
   * denied. What an agent may do still comes only from its own grants.
   */
  public allowServices(...services: string[]): void {
    for (const service of services) {
      if (typeof service !== 'string' || !serviceActions(service) || NEVER_IN_CEILING.includes(service)) {
        failAt(
          this,
          `allowServices: ${show(service)} is not a service agents may be allowed; name an IAM service prefix such as 'sagemaker' (never ${NEVER_IN_CEILING.join(', ')})`,
        );
      }
      if (AGENT_SERVICES.includes(service) || this.addedServices.includes(service)) continue;
      this.addedServices.push(service);
      this.ceiling.addActions(`${service}:*`);
      acknowledgeFindings(this.boundary, { [`AwsSolutions-IAM5[Action::${service}:*]`]: CEILING_REASON });
    }
    const beyond = this.beyondCeilingPolicies();
    for (const role of this.boundedRoles.splice(0)) for (const p of beyond) role.addManagedPolicy(p);
  }

  private beyondCeilingPolicies(): iam.ManagedPolicy[] {
    this.beyondCeiling ??= this.policies(
      PERMISSIONS_GUARDRAIL_POLICIES_WITHIN_CEILING,
      PERMISSIONS_GUARDRAIL_POLICIES.length,
    );
    return this.beyondCeiling;
  }

  /** The managed policies this construct has made: the boundary and the permissions-guardrail policies. */
  public get policyCount(): number {
    return 2 + (this.beyondCeiling?.length ?? 0);
  }

  private policies(from: number, to: number): iam.ManagedPolicy[] {
    return PERMISSIONS_GUARDRAIL_POLICIES.slice(from, to).map(
      (rails, k) =>
        new iam.ManagedPolicy(this, from + k === 0 ? 'GuardRails' : `GuardRails${from + k + 1}`, {
          description:
            from + k === 0
              ? 'cdk-agent-identity: explicit denies every AI agent of this stack carries'
              : `cdk-agent-identity: explicit denies beyond the boundary's ceiling, for AI agents of this stack without the boundary (part ${from + k})`,
          statements: rails.map(permissionsGuardrailStatement),
        }),
    );
  }
}
