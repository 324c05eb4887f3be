import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { TOKEN_MARKER } from './cedar-text';

/**
 * Parses and validates one Cedar policy against a schema with the real Cedar engine (strict
 * mode, as AgentCore Policy validates). Token markers (ARNs and names CloudFormation fills in)
 * stand inside string literals only, so they are replaced by a placeholder for validation.
 *
 * @returns the engine's messages; empty when the policy is valid
 */
export function validateCedarPolicy(text: string, schema: unknown): string[] {
  const policy = text.replace(TOKEN_MARKER, 'TOKEN');
  const answer = cedar.validate({
    schema: schema as cedar.Schema,
    policies: { staticPolicies: { policy } },
    validationSettings: { mode: 'strict' },
  });
  if (answer.type === 'failure') return answer.errors.map((e) => e.message);
  return answer.validationErrors.map((e) => withHelp(e.error));
}

function withHelp(error: cedar.DetailedError): string {
  return error.help ? `${error.message} (${error.help})` : error.message;
}
