/**
 * Template metadata key on every `AWS::BedrockAgentCore::Policy` a tool policy generates. Its
 * value says whom the Cedar policy is for, so the entitlement report can attribute a policy to
 * an agent even on a JWT-authorized gateway, where the Cedar principal is a token subject or a
 * claim rather than the agent's role. The Cedar text itself stays the source of truth for what
 * is permitted; the metadata only names the agent and describes the conditions for people.
 */
export const TOOL_POLICY_METADATA = 'cdk-agent-identity:tool-policy';

/** The value of the `TOOL_POLICY_METADATA` entry. */
export interface ToolPolicyMetadata {
  /** `permit` or `forbid`. */
  readonly effect: string;
  /** `grant` (an agent's tool grant), `tenant-fence` (always added) or `forbid` (declared for everyone). */
  readonly origin: string;
  /** The agent the policy is for; absent for a forbid that applies to every caller. */
  readonly agent?: string;
  /** The Cedar action id of the tool, `<target>___<tool>`. */
  readonly tool: string;
  /** How the caller is recognised, for people. */
  readonly caller: string;
  /** The `when` conditions, for people. */
  readonly when: string[];
  /** The `unless` conditions, for people. */
  readonly unless: string[];
  /** Why the policy exists (forbids). */
  readonly reason?: string;
}
