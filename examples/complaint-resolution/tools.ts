import { Stack } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import { AgentIdentity, AgentToolPolicy, GatewayTool, ToolCaller, ToolCondition } from '../../lib';

/** The `sub` claim of the worker's token at the tool gateway (its OAuth client id). */
export const WORKER_SUBJECT = 'complaint-worker-client';
/** The JWT claim that carries the record of the worker's current task (set by the token issuer). */
export const TASK_RECORD_CLAIM = 'task_record_id';

const S = agentcore.SchemaDefinitionType;

/** The CRM's HTTP API as the gateway exposes it: one tool per operationId. */
const CRM_API = JSON.stringify({
  openapi: '3.0.0',
  info: { title: 'crm', version: '1' },
  servers: [{ url: 'https://crm.example.com' }],
  paths: {
    '/records/{recordId}': {
      get: {
        operationId: 'getRecord',
        parameters: [{ name: 'recordId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'the record' } },
      },
      patch: {
        operationId: 'updateRecord',
        parameters: [{ name: 'recordId', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          content: {
            'application/json': { schema: { type: 'object', properties: { note: { type: 'string' } } } },
          },
        },
        responses: { '200': { description: 'updated' } },
      },
      delete: {
        operationId: 'deleteRecord',
        parameters: [{ name: 'recordId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '204': { description: 'deleted' } },
      },
    },
  },
});

/**
 * Policy at call time for the complaint worker: the CRM's tools sit behind an AgentCore Gateway
 * with JWT inbound auth; the worker may read records and update only the record of its current
 * task (`recordId` equals the `task_record_id` claim of its token); it may not delete. The Cedar
 * policy engine starts in log-only mode and is enforced here after the rollout.
 */
export function addComplaintTools(stack: Stack, worker: AgentIdentity): AgentToolPolicy {
  const gateway = new agentcore.Gateway(stack, 'ToolGateway', {
    gatewayName: 'complaint-tools',
    authorizerConfiguration: agentcore.GatewayAuthorizer.usingCustomJwt({
      discoveryUrl: 'https://login.example.com/.well-known/openid-configuration',
      allowedAudience: ['complaint-tools'],
    }),
  });
  const crm = gateway.addOpenApiTarget('Crm', {
    gatewayTargetName: 'crm',
    apiSchema: agentcore.ApiSchema.fromInline(CRM_API),
  });
  const recordInput = (extra: Record<string, agentcore.SchemaDefinition> = {}) => ({
    inputSchema: {
      type: S.OBJECT,
      properties: { recordId: { type: S.STRING }, ...extra },
      required: ['recordId'],
    },
  });
  const tools = AgentToolPolicy.of(gateway);
  const caller = ToolCaller.jwtSubject(WORKER_SUBJECT);
  tools.grant(worker, [GatewayTool.of(crm, 'getRecord', recordInput())], { caller });
  tools.grant(worker, [GatewayTool.of(crm, 'updateRecord', recordInput({ note: { type: S.STRING } }))], {
    caller,
    when: [ToolCondition.inputEqualsClaim('recordId', TASK_RECORD_CLAIM)],
  });
  tools.enforce();
  return tools;
}
