import { Annotations } from 'aws-cdk-lib';
import { IAgentIdentity } from '../identity/agent-capabilities';

/**
 * Internal helpers shared by the Bedrock grants of this folder. Nothing here is exported from the
 * package barrel.
 */

/** Authorizes InvokeModel and Converse. */
export const INVOKE_MODEL = 'bedrock:InvokeModel';
/** Authorizes InvokeModelWithResponseStream and ConverseStream. */
export const INVOKE_MODEL_STREAM = 'bedrock:InvokeModelWithResponseStream';
/** Condition key that carries `<guardrail ARN>:<version>` on an invocation. */
export const GUARDRAIL_IDENTIFIER_KEY = 'bedrock:GuardrailIdentifier';
/** Condition key that carries the inference profile a routed invocation came through. */
export const INFERENCE_PROFILE_ARN_KEY = 'bedrock:InferenceProfileArn';

/** The invoke actions of a model grant: streaming is on unless `streaming: false`. */
export function invokeActions(streaming: boolean | undefined): string[] {
  return streaming === false ? [INVOKE_MODEL] : [INVOKE_MODEL, INVOKE_MODEL_STREAM];
}

/** One Allow statement of a model's invoke grant. */
export interface InvokeTarget {
  /** Exact resource ARNs (may hold tokens). */
  readonly resources: string[];
  /** Conditions that restrict the statement (routed targets only). */
  readonly conditions?: Record<string, Record<string, unknown>>;
  /**
   * True for the ARN a caller names in the request (the model, profile or deployment); false for
   * the foundation-model ARNs a profile routes to, which are only reachable through the profile.
   */
  readonly entry: boolean;
}

/** What a model grant needs to know about a pinned guardrail (implemented by GuardrailPin). */
export interface PinnedGuardrail {
  /** `<guardrail ARN>:<version>`, the value of `bedrock:GuardrailIdentifier`. */
  readonly pinnedIdentifier: string;
}

/** The pinned identifier of a guardrail option, if it is a pin this folder understands. */
export function pinnedIdentifierOf(guardrail: unknown): string | undefined {
  if (guardrail && typeof guardrail === 'object' && 'pinnedIdentifier' in guardrail) {
    const value = (guardrail as PinnedGuardrail).pinnedIdentifier;
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/** Throws a lowercase error for a bad factory argument (factories run before any scope exists). */
export function invalid(message: string): never {
  throw new Error(message);
}

/** Rejects IAM wildcards in something that must name one exact resource. */
export function rejectWildcards(what: string, value: string, fix: string): void {
  if (value.includes('*') || value.includes('?')) {
    invalid(`${what} ${JSON.stringify(value)} contains a wildcard; grants name exact resources: ${fix}`);
  }
}

interface GuardrailBypassState {
  guardrails: string[];
  internalCallers: string[];
  warned: boolean;
}

const bypassStates = new WeakMap<IAgentIdentity, GuardrailBypassState>();

/** Records that `agent` has its model invocations pinned to a guardrail. */
export function notePinnedGuardrail(agent: IAgentIdentity, guardrail: string): void {
  const state = bypassState(agent);
  state.guardrails.push(guardrail);
  warnOnBypass(agent, state);
}

/**
 * Records that `agent` may call an API that makes model calls inside Bedrock (RetrieveAndGenerate,
 * InvokeAgent), which the IAM guardrail pin does not see.
 */
export function noteInternalModelCaller(agent: IAgentIdentity, caller: string): void {
  const state = bypassState(agent);
  state.internalCallers.push(caller);
  warnOnBypass(agent, state);
}

function bypassState(agent: IAgentIdentity): GuardrailBypassState {
  let state = bypassStates.get(agent);
  if (!state) {
    state = { guardrails: [], internalCallers: [], warned: false };
    bypassStates.set(agent, state);
  }
  return state;
}

/**
 * A warning, not an error: the Bedrock side can carry the guardrail itself (a guardrail configured
 * on the Bedrock agent, or `guardrailConfiguration` in the RetrieveAndGenerate request), which IAM
 * cannot see, so refusing the synth would block correct setups. The warning makes the gap visible.
 */
function warnOnBypass(agent: IAgentIdentity, state: GuardrailBypassState): void {
  if (state.warned || state.guardrails.length === 0 || state.internalCallers.length === 0) return;
  state.warned = true;
  Annotations.of(agent).addWarningV2(
    'cdk-agent-identity:guardrail-bypass',
    `agent ${agent.agentName} has its model invocations pinned to a guardrail but may also call ` +
      `${state.internalCallers.join(', ')}, which invoke models inside Bedrock where the IAM pin ` +
      `(bedrock:GuardrailIdentifier) does not apply; configure the same guardrail on the Bedrock agent ` +
      `and in the RetrieveAndGenerate request (guardrailConfiguration), or acknowledge this warning`,
  );
}
