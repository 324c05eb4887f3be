'use strict';
/**
 * Automatic containment: a CloudWatch alarm action that revokes the agent whose alarm fired, the
 * same way `agent-identity revoke` does (inline policy AgentIdentityRevocation + tags ai:revoked /
 * ai:revoked-reason), with the alarm as the recorded reason.
 *
 * Shipped as plain CommonJS: the Lambda Node.js runtime provides @aws-sdk/client-iam. The policy
 * document is built here exactly as lib/operations/agent-revocation.ts builds it (a test compares
 * the two). The function may only write to the agent roles it was granted (its IAM policy), so an
 * alarm naming any other role fails closed with AccessDenied.
 *
 * Idempotent: PutRolePolicy and TagRole overwrite; a re-delivered alarm revokes again.
 */
const { IAMClient, PutRolePolicyCommand, TagRoleCommand } = require('@aws-sdk/client-iam');

const POLICY_NAME = 'AgentIdentityRevocation';
const REVOKED_TAG = 'ai:revoked';
const REASON_TAG = 'ai:revoked-reason';
const ROLE_DIMENSION = 'RoleName';
const CREDENTIAL_PROVIDER_ACTIONS = [
  'bedrock-agentcore:GetWorkloadAccessToken',
  'bedrock-agentcore:GetWorkloadAccessTokenForJWT',
  'bedrock-agentcore:GetWorkloadAccessTokenForUserId',
  'bedrock-agentcore:GetResourceOauth2Token',
  'bedrock-agentcore:GetResourceApiKey',
  'bedrock-agentcore:GetResourcePaymentToken',
  'bedrock-agentcore:CompleteResourceTokenAuth',
];

/** ISO 8601 UTC to the second, rounded up (as AgentRevocation.timestamp). */
function timestamp(date) {
  const seconds = Math.ceil(date.getTime() / 1000) * 1000;
  return new Date(seconds).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The revocation policy document (as AgentRevocation.policyDocument). */
function policyDocument(revokedAt) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RevokeOlderSessions',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': timestamp(revokedAt) } },
      },
      { Sid: 'RefuseNewerSessions', Effect: 'Deny', Action: '*', Resource: '*' },
      {
        Sid: 'CutCredentialProviders',
        Effect: 'Deny',
        Action: [...CREDENTIAL_PROVIDER_ACTIONS],
        Resource: '*',
      },
    ],
  };
}

/** The reason as an IAM tag value (as AgentRevocation.reasonTagValue). */
function reasonTagValue(reason) {
  return reason
    .replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 256);
}

/** The role names of the alarm's metrics (dimension RoleName). */
function roleNames(event) {
  const metrics =
    (event && event.alarmData && event.alarmData.configuration && event.alarmData.configuration.metrics) ||
    [];
  const names = new Set();
  for (const m of metrics) {
    const dims = m && m.metricStat && m.metricStat.metric && m.metricStat.metric.dimensions;
    if (dims && typeof dims[ROLE_DIMENSION] === 'string' && /^[\w+=,.@-]{1,64}$/.test(dims[ROLE_DIMENSION])) {
      names.add(dims[ROLE_DIMENSION]);
    }
  }
  return [...names];
}

function makeHandler(client, now) {
  return async function handler(event) {
    const state = event && event.alarmData && event.alarmData.state && event.alarmData.state.value;
    const alarmName = (event && event.alarmData && event.alarmData.alarmName) || 'unknown alarm';
    if (state !== 'ALARM') {
      console.log(JSON.stringify({ action: 'skip', alarmName, state }));
      return { revoked: [], skipped: `state ${state}` };
    }
    const roles = roleNames(event);
    if (roles.length === 0) {
      // Fail loudly: an alarm without an agent dimension cannot be contained automatically.
      throw new Error(`alarm ${alarmName} names no ${ROLE_DIMENSION} dimension; nothing was revoked`);
    }
    const revokedAt = now();
    const reason = reasonTagValue(`automatic containment: alarm ${alarmName}`);
    const revoked = [];
    const failed = [];
    for (const roleName of roles) {
      try {
        await client.send(
          new PutRolePolicyCommand({
            RoleName: roleName,
            PolicyName: POLICY_NAME,
            PolicyDocument: JSON.stringify(policyDocument(revokedAt)),
          }),
        );
        await client.send(
          new TagRoleCommand({
            RoleName: roleName,
            Tags: [
              { Key: REVOKED_TAG, Value: timestamp(revokedAt) },
              { Key: REASON_TAG, Value: reason },
            ],
          }),
        );
        revoked.push(roleName);
      } catch (error) {
        failed.push({ roleName, error: `${error.name}: ${error.message}` });
      }
    }
    console.log(
      JSON.stringify({ action: 'revoke', alarmName, revokedAt: timestamp(revokedAt), revoked, failed }),
    );
    if (failed.length > 0) {
      // Lambda retries asynchronous invocations; the log line above says what was and was not revoked.
      throw new Error(`revocation incomplete: ${failed.map((f) => `${f.roleName} (${f.error})`).join(', ')}`);
    }
    return { revoked };
  };
}

exports.makeHandler = makeHandler;
exports.policyDocument = policyDocument;
exports.handler = makeHandler(new IAMClient({}), () => new Date());
