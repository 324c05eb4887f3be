import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AGENT_RUNTIME_ACTIONS,
  AGENT_SERVICES,
  PERMISSIONS_GUARDRAILS,
  TENANT_FENCED_SERVICES,
  permissionsGuardrailStatements,
} from './private/permissions-guardrails';

/**
 * The permissions guardrails every agent gets: the explicit denies (one statement per guardrail,
 * each with a stable Sid) and the services the shared `AgentBoundary` lets agents use at all.
 * `AgentIdentity` attaches them on its own; this class names them for roles written by hand and
 * for reviewers.
 *
 * @example
 * for (const statement of PermissionsGuardrails.statements()) handWrittenRole.addToPolicy(statement);
 */
export class PermissionsGuardrails {
  /**
   * The services an agent may use at all: the ceiling of the permissions boundary (`service:*`).
   */
  public static readonly AGENT_SERVICES: string[] = Object.freeze([...AGENT_SERVICES]) as string[];
  /**
   * Exact actions of other services the compute an agent runs on needs with the agent's own role
   * (logs, traces, metrics, image pulls, the network interfaces of a Lambda function in a VPC).
   */
  public static readonly AGENT_RUNTIME_ACTIONS: string[] = Object.freeze([
    ...AGENT_RUNTIME_ACTIONS,
  ]) as string[];
  /** The services whose resources carry a tenant: every action on them is fenced by `ai:tenant`. */
  public static readonly TENANT_FENCED_SERVICES: string[] = Object.freeze([
    ...TENANT_FENCED_SERVICES,
  ]) as string[];
  /** The statement ids of the permissions guardrails, in order. */
  public static readonly SIDS: string[] = Object.freeze(PERMISSIONS_GUARDRAILS.map((g) => g.sid)) as string[];

  /** Every permissions guardrail as a deny statement (new objects on each call). */
  public static statements(): iam.PolicyStatement[] {
    return permissionsGuardrailStatements();
  }

  private constructor() {}
}
