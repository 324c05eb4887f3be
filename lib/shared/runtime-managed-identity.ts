import { IConstruct } from 'constructs';

/**
 * What stands for the ARN and name of a workload identity that an AgentCore Runtime creates: it
 * exists only once the runtime does, and naming it from the agent's role would make the role
 * depend on the runtime that depends on the role.
 */
export const RUNTIME_MANAGED = 'created by its AgentCore Runtime';

/** Agents whose workload identity is the one their AgentCore Runtime creates. */
export const RUNTIME_MANAGED_AGENTS = new WeakSet<IConstruct>();

const BOUND = new WeakSet<IConstruct>();

/** Shared by the credentials folder (declares) and the compute folder (binds), neither importing the other. */
export class RuntimeManagedIdentities {
  /** Records that `agent` now runs on an AgentCore Runtime. */
  public static markBound(agent: IConstruct): void {
    BOUND.add(agent);
  }

  /** Whether `agent` was bound to an AgentCore Runtime. */
  public static isBound(agent: IConstruct): boolean {
    return BOUND.has(agent);
  }

  /** Whether `agent` declared a runtime-managed workload identity. */
  public static isRuntimeManaged(agent: IConstruct): boolean {
    return RUNTIME_MANAGED_AGENTS.has(agent);
  }

  private constructor() {}
}
