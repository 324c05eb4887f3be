import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { failAt, show } from '../shared/errors';
import { acknowledgeWildcardResource } from '../shared/nag-acknowledgements';
import type { IAgentIdentity } from './agent-capabilities';

/** Options for `AgentIdentity.grantWebIdentityToken`. */
export interface WebIdentityTokenOptions {
  /**
   * The one audience the token is for (its `aud` claim), as the receiving provider expects it,
   * e.g. `https://api.example.com`. No wildcards.
   */
  readonly audience: string;
  /**
   * Longest token lifetime the agent may request, 60 seconds to 1 hour. The agent must pass
   * `DurationSeconds` on every call; a call without it is denied.
   * @default Duration.minutes(5)
   */
  readonly maxDuration?: Duration;
}

/** The STS action that issues an AWS-signed JWT for the calling principal (outbound federation). */
const GET_WEB_IDENTITY_TOKEN_ACTION = 'sts:GetWebIdentityToken';
/** Condition key naming the audiences requested from `sts:GetWebIdentityToken`. */
const IDENTITY_TOKEN_AUDIENCE_KEY = 'sts:IdentityTokenAudience';
/** Condition key naming the lifetime requested from `sts:GetWebIdentityToken`. */
const IDENTITY_TOKEN_DURATION_KEY = 'sts:DurationSeconds';

const MIN_SECONDS = 60;
const MAX_SECONDS = 3600;
const AUDIENCE = /^[\x21-\x7e]{1,1000}$/;

/**
 * Lets `agent` obtain an AWS-signed JWT (`sts:GetWebIdentityToken`) for exactly one audience and
 * at most `maxDuration`, so a provider that accepts AWS-issued tokens needs no stored key.
 * `sts:GetWebIdentityToken` has no resource type, so the statement is on `*` and everything is
 * pinned by conditions: every requested audience must be the one named (and at least one must be
 * requested), and the requested lifetime must be present and at most `maxDuration`.
 */
export function grantWebIdentityTokenTo(agent: IAgentIdentity, options: WebIdentityTokenOptions): iam.Grant {
  const audience = options?.audience;
  if (typeof audience !== 'string' || Token.isUnresolved(audience) || !AUDIENCE.test(audience)) {
    failAt(
      agent,
      `grantWebIdentityToken audience ${show(audience)} must be one literal of 1-1000 printable characters without spaces, e.g. 'https://api.example.com'`,
    );
  }
  if (/[*?]/.test(audience)) {
    failAt(
      agent,
      `grantWebIdentityToken audience ${show(audience)} has a wildcard; name the one audience the provider expects, a wildcard would let the agent mint tokens for any relying party`,
    );
  }
  const maxDuration = options.maxDuration ?? Duration.minutes(5);
  if (maxDuration.isUnresolved()) {
    failAt(agent, 'grantWebIdentityToken maxDuration must be a literal duration, e.g. Duration.minutes(5)');
  }
  const seconds = maxDuration.toSeconds();
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    failAt(
      agent,
      `grantWebIdentityToken maxDuration ${maxDuration.toHumanString()} is outside 60 seconds to 1 hour, the range sts:GetWebIdentityToken accepts; use e.g. Duration.minutes(5)`,
    );
  }
  const grant = iam.Grant.addToPrincipal({
    grantee: agent,
    actions: [GET_WEB_IDENTITY_TOKEN_ACTION],
    resourceArns: ['*'],
    conditions: {
      'ForAllValues:StringEquals': { [IDENTITY_TOKEN_AUDIENCE_KEY]: [audience] },
      Null: { [IDENTITY_TOKEN_AUDIENCE_KEY]: 'false', [IDENTITY_TOKEN_DURATION_KEY]: 'false' },
      NumericLessThanEquals: { [IDENTITY_TOKEN_DURATION_KEY]: String(seconds) },
    },
  });
  acknowledgeWildcardResource(
    agent,
    '*',
    'sts:GetWebIdentityToken has no resource type; the grant is pinned by conditions to one sts:IdentityTokenAudience and a bounded sts:DurationSeconds',
  );
  agent.recordEntitlement({
    kind: 'web-identity-token',
    description: `AWS-signed JWT for audience ${audience}, at most ${seconds} s`,
    auditedResources: [],
  });
  return grant;
}
