/**
 * The tag keys that all ABAC in this library rests on.
 *
 * Principal tags sit on agent roles; resource tags sit on data stores. Every key shares the
 * `ai:` prefix so that one permissions guardrail can protect them all from being changed by an agent.
 */
export class AgentTagKeys {
  /** Prefix shared by every protected key. */
  public static readonly PREFIX = 'ai:';
  /** The agent's name (principal tag). */
  public static readonly AGENT = 'ai:agent';
  /** The tenant an agent serves or a store belongs to (principal and resource tag). */
  public static readonly TENANT = 'ai:tenant';
  /** The highest data classification an agent may touch (principal tag). */
  public static readonly CLEARANCE = 'ai:clearance';
  /** Who answers for an agent in an access review (principal tag). */
  public static readonly OWNER = 'ai:owner';
  /** The classification of the data in a store (resource tag). */
  public static readonly CLASSIFICATION = 'ai:classification';

  /** The keys our constructs set on agent roles; a session tag may never override them. */
  public static readonly PRINCIPAL_KEYS: string[] = Object.freeze([
    AgentTagKeys.AGENT,
    AgentTagKeys.TENANT,
    AgentTagKeys.CLEARANCE,
    AgentTagKeys.OWNER,
  ]) as string[];

  private constructor() {}
}
