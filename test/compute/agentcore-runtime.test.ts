import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AgentCompute,
  AgentIdentity,
  AgentRuntime,
  AgentWorkloadIdentity,
  CredentialProvider,
  InboundJwtAuthorizer,
  UserDelegation,
} from '../../lib';
import {
  ACCOUNT,
  REGION,
  agentRole,
  arn,
  logicalIdOf,
  simulateAs,
  templateOf,
} from '../../examples/_shared/simulation';
import { unacknowledgedFindings } from '../../examples/_shared/example-checks';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runtime ids as AgentCore makes them: <runtimeName>-<10 letters or digits>. */
const RUNTIME_A_ID = 'concierge_rt-AbCdEfGhIj';
const RUNTIME_B_ID = 'billing_rt-KlMnOpQrSt';
const L2_SIDS = [
  'LogGroupAccess',
  'DescribeLogGroups',
  'LogStreamAccess',
  'XRayAccess',
  'CloudWatchMetrics',
  'GetAgentAccessToken',
];

const logGroup = (name: string) => arn('logs', REGION, ACCOUNT, `log-group:${name}`);
const logStream = (name: string) =>
  arn('logs', REGION, ACCOUNT, `log-group:${name}:log-stream:2026/12/02/[runtime-logs]0123`);
const workloadIdentity = (name: string) =>
  arn('bedrock-agentcore', REGION, ACCOUNT, `workload-identity-directory/default/workload-identity/${name}`);

function newStack(): Stack {
  return new Stack(new App(), 'Runtimes', { env: { account: ACCOUNT, region: REGION } });
}

function runtimeAgent(stack: Stack, id: string, agentName: string, extra: Partial<Json> = {}): AgentIdentity {
  return new AgentIdentity(stack, id, {
    agentName,
    runtime: AgentRuntime.agentCoreRuntime(),
    owner: 'agents@example.com',
    ...extra,
  });
}

const artifact = (stack: Stack, name: string) =>
  agentcore.AgentRuntimeArtifact.fromEcrRepository(
    ecr.Repository.fromRepositoryName(stack, `Repo${name}`, name),
    'v1',
  );

/** Two agents, each bound to its own runtime: the template and the resolved runtime ids. */
function twoBoundRuntimes() {
  const stack = newStack();
  const concierge = runtimeAgent(stack, 'Concierge', 'concierge');
  const billing = runtimeAgent(stack, 'Billing', 'billing');
  const a = AgentCompute.agentCoreRuntime(stack, 'RuntimeA', concierge, {
    agentRuntimeArtifact: artifact(stack, 'concierge-images'),
  });
  AgentCompute.agentCoreRuntime(stack, 'RuntimeB', billing, {
    agentRuntimeArtifact: artifact(stack, 'billing-images'),
  });
  const template = templateOf(stack, {
    [logicalIdOf(stack, 'RuntimeA')]: { AgentRuntimeId: RUNTIME_A_ID },
    [logicalIdOf(stack, 'RuntimeB')]: { AgentRuntimeId: RUNTIME_B_ID },
  });
  return { stack, template, runtime: a, concierge };
}

describe('AgentCompute.agentCoreRuntime', () => {
  const { stack, template, runtime, concierge } = twoBoundRuntimes();
  const t = Template.fromStack(stack);
  const roleA = agentRole(template, 'concierge');

  test('the runtime runs as the agent: RoleArn names the agent role and the L2 creates no role of its own', () => {
    const runtimeA = t.toJSON().Resources[logicalIdOf(stack, 'RuntimeA')];
    expect(JSON.stringify(runtimeA.Properties.RoleArn)).toContain(`{"Ref":"${roleA.logicalId}"}`);
    const roles = Object.values<Json>(t.findResources('AWS::IAM::Role'));
    expect(roles.every((r) => (r.Properties.Tags ?? []).some((tag: Json) => tag.Key === 'ai:agent'))).toBe(
      true,
    );
    expect(runtime.role.roleName).toBe(concierge.role.roleName);
  });

  test("none of the L2's account-wide statements reaches any policy", () => {
    const text = JSON.stringify(t.toJSON());
    for (const sid of L2_SIDS) expect(text).not.toContain(`"Sid":"${sid}"`);
    expect(text).not.toContain('workload-identity/*');
    expect(text).not.toContain('/aws/bedrock-agentcore/runtimes/*');
  });

  test("the agent's runtime policy: exact log groups, one repository, telemetry under the namespace condition", () => {
    const policy = t.toJSON().Resources[logicalIdOf(stack, 'RuntimeA/AgentPolicy')];
    const statements: Json[] = policy.Properties.PolicyDocument.Statement;
    expect(statements.map((s) => s.Sid ?? s.Action)).toEqual([
      'RuntimeLogGroups',
      'RuntimeLogStreams',
      'RuntimeTraces',
      'RuntimeMetrics',
      ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      'ecr:GetAuthorizationToken',
    ]);
    expect(policy.Properties.Roles).toEqual([{ Ref: roleA.logicalId }]);
  });

  describe('simulation', () => {
    test("runtime A's agent writes A's log groups, never B's or another runtime's", async () => {
      for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
        expect(
          await simulateAs(roleA, {
            action,
            resource: logStream(`/aws/bedrock-agentcore/runtimes/${RUNTIME_A_ID}-DEFAULT`),
          }),
        ).toBe('Allowed');
        expect(
          await simulateAs(roleA, {
            action,
            resource: logStream(`/aws/bedrock-agentcore/runtimes/${RUNTIME_A_ID}-prod`),
          }),
        ).toBe('Allowed');
        expect(
          await simulateAs(roleA, {
            action,
            resource: logStream(`/aws/bedrock-agentcore/runtimes/${RUNTIME_B_ID}-DEFAULT`),
          }),
        ).toBe('ImplicitlyDenied');
        expect(await simulateAs(roleA, { action, resource: logStream('/aws/lambda/anything') })).toBe(
          'ImplicitlyDenied',
        );
      }
      expect(
        await simulateAs(roleA, {
          action: 'logs:CreateLogGroup',
          resource: logGroup(`/aws/bedrock-agentcore/runtimes/${RUNTIME_B_ID}-DEFAULT`),
        }),
      ).toBe('ImplicitlyDenied');
      expect(await simulateAs(roleA, { action: 'logs:DescribeLogGroups', resource: '*' })).toBe(
        'ImplicitlyDenied',
      );
    });

    test('no workload access token for any identity, its own or another agent’s', async () => {
      for (const action of [
        'bedrock-agentcore:GetWorkloadAccessToken',
        'bedrock-agentcore:GetWorkloadAccessTokenForJWT',
        'bedrock-agentcore:GetWorkloadAccessTokenForUserId',
      ]) {
        for (const identity of ['concierge', 'billing', `${RUNTIME_A_ID}-identity`]) {
          expect(await simulateAs(roleA, { action, resource: workloadIdentity(identity) })).not.toBe(
            'Allowed',
          );
        }
      }
    });

    test('metrics only in the bedrock-agentcore namespace; images only from its own repository', async () => {
      const put = (namespace: string) =>
        simulateAs(roleA, {
          action: 'cloudwatch:PutMetricData',
          resource: '*',
          context: { 'cloudwatch:namespace': namespace },
        });
      expect(await put('bedrock-agentcore')).toBe('Allowed');
      expect(await put('AWS/Billing')).toBe('ImplicitlyDenied');
      const repo = (name: string) => arn('ecr', REGION, ACCOUNT, `repository/${name}`);
      expect(
        await simulateAs(roleA, { action: 'ecr:BatchGetImage', resource: repo('concierge-images') }),
      ).toBe('Allowed');
      expect(await simulateAs(roleA, { action: 'ecr:BatchGetImage', resource: repo('billing-images') })).toBe(
        'ImplicitlyDenied',
      );
    });
  });

  test('telemetry: false leaves out X-Ray and metrics', () => {
    const s = newStack();
    const agent = runtimeAgent(s, 'Quiet', 'quiet');
    AgentCompute.agentCoreRuntime(
      s,
      'Rt',
      agent,
      { agentRuntimeArtifact: artifact(s, 'quiet') },
      { telemetry: false },
    );
    const policies = JSON.stringify(Template.fromStack(s).findResources('AWS::IAM::Policy'));
    expect(policies).toContain('RuntimeLogStreams');
    expect(policies).not.toContain('xray:');
    expect(policies).not.toContain('cloudwatch:PutMetricData');
  });

  test('a literal fromImageUri artifact: pull from the repository the URI names, nothing else', () => {
    const s = newStack();
    const agent = runtimeAgent(s, 'Uri', 'uri-agent');
    AgentCompute.agentCoreRuntime(s, 'Rt', agent, {
      agentRuntimeArtifact: agentcore.AgentRuntimeArtifact.fromImageUri(
        `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/team/agent:v3`,
      ),
    });
    const policy = Object.values<Json>(Template.fromStack(s).findResources('AWS::IAM::Policy'))[0];
    const pull = policy.Properties.PolicyDocument.Statement.find((x: Json) => x.Sid === 'RuntimeImagePull');
    expect(JSON.stringify(pull.Resource)).toContain(`:ecr:${REGION}:${ACCOUNT}:repository/team/agent"`);
  });

  test('an S3 code artifact: read of the one object, never the bucket-wide read and list the L2 grants', () => {
    const app = new App();
    const s = new Stack(app, 'Code', { env: { account: ACCOUNT, region: REGION } });
    const agent = runtimeAgent(s, 'Coder', 'coder');
    AgentCompute.agentCoreRuntime(s, 'Rt', agent, {
      agentRuntimeArtifact: agentcore.AgentRuntimeArtifact.fromS3(
        { bucketName: 'agent-code', objectKey: 'coder/v3.zip' },
        agentcore.AgentCoreRuntime.PYTHON_3_12,
        ['main.py'],
      ),
    });
    const statements: Json[] = Object.values<Json>(Template.fromStack(s).findResources('AWS::IAM::Policy'))[0]
      .Properties.PolicyDocument.Statement;
    const s3Statements = statements.filter((x) => JSON.stringify(x.Action).includes('s3:'));
    expect(s3Statements).toHaveLength(1);
    expect(s3Statements[0].Action).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(JSON.stringify(s3Statements[0].Resource)).toContain(':s3:::agent-code/coder/v3.zip"');
    // and no pack finds a wildcard action or a bucket-wide resource on it
    const findings = unacknowledgedFindings(app, s).filter((f) => /s3|Rt\/AgentPolicy/.test(f));
    expect(findings).toEqual([]);
  });

  test("a grant to runtime.grantPrincipal lands in the agent's runtime policy, where the checks judge it", () => {
    const s = newStack();
    const agent = runtimeAgent(s, 'A', 'agent-a');
    const rt = AgentCompute.agentCoreRuntime(s, 'Rt', agent, { agentRuntimeArtifact: artifact(s, 'a') });
    const queue = arn('sqs', REGION, ACCOUNT, 'tickets');
    iam.Grant.addToPrincipal({ grantee: rt, actions: ['sqs:SendMessage'], resourceArns: [queue] });
    const policy = Template.fromStack(s).toJSON().Resources[logicalIdOf(s, 'Rt/AgentPolicy')];
    expect(policy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([expect.objectContaining({ Action: 'sqs:SendMessage', Resource: queue })]),
    );
  });

  describe('attack baseline: the L2 given agent.role directly', () => {
    // GIVEN what a user would write without the binding
    const s = newStack();
    const app = s.node.root as App;
    const a = runtimeAgent(s, 'A', 'agent-a');
    new agentcore.Runtime(s, 'RuntimeA', { agentRuntimeArtifact: artifact(s, 'a'), executionRole: a.role });
    const tpl = templateOf(s);
    const role = agentRole(tpl, 'agent-a');

    test("its role writes every runtime's logs and mints tokens for every agent's identity (the holes the binding closes)", async () => {
      expect(
        await simulateAs(role, {
          action: 'logs:PutLogEvents',
          resource: logStream(`/aws/bedrock-agentcore/runtimes/${RUNTIME_B_ID}-DEFAULT`),
        }),
      ).toBe('Allowed');
      expect(
        await simulateAs(role, {
          action: 'bedrock-agentcore:GetWorkloadAccessTokenForUserId',
          resource: workloadIdentity('billing'),
        }),
      ).toBe('Allowed');
    });

    test("the checks fail the L2's statements on the agent: every runtime's log groups, every log group, every identity", () => {
      const findings = unacknowledgedFindings(app, s).filter((f) => f.includes('AgentIdentity-'));
      expect(findings).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^AgentIdentity-NoWildcardResources.*Runtimes\/A\/Role\/Resource$/),
          expect.stringMatching(/^AgentIdentity-AgentCoreOwnIdentity.*Runtimes\/A\/Role\/Resource$/),
        ]),
      );
    });
  });

  describe('bad input is a synth error at the runtime', () => {
    test('an executionRole of its own', () => {
      const s = newStack();
      const agent = runtimeAgent(s, 'A', 'agent-a');
      const other = new iam.Role(s, 'Other', {
        assumedBy: new iam.ServicePrincipal('bedrock-agentcore.amazonaws.com'),
      });
      expect(() =>
        AgentCompute.agentCoreRuntime(s, 'Rt', agent, {
          agentRuntimeArtifact: artifact(s, 'a'),
          executionRole: other,
        }),
      ).toThrow(
        /^Runtimes: agentCoreRuntime sets executionRole to the role of agent "agent-a"; got executionRole "Runtimes\/Other": leave executionRole unset/,
      );
    });

    test('an agent of another runtime', () => {
      const s = newStack();
      const agent = new AgentIdentity(s, 'L', {
        agentName: 'lambda-agent',
        runtime: AgentRuntime.lambdaFunction(),
      });
      expect(() =>
        AgentCompute.agentCoreRuntime(s, 'Rt', agent, { agentRuntimeArtifact: artifact(s, 'a') }),
      ).toThrow(
        /agent "lambda-agent" \(Runtimes\/L\) runs on lambda .* cannot be assumed by an AgentCore Runtime; create the agent with runtime: AgentRuntime\.agentCoreRuntime\(\)/,
      );
    });

    test('an image URI that names no repository', () => {
      const s = newStack();
      const agent = runtimeAgent(s, 'A', 'agent-a');
      const uri = new iam.Role(s, 'Tok', { assumedBy: new iam.AccountRootPrincipal() }).roleName;
      expect(() =>
        AgentCompute.agentCoreRuntime(s, 'Rt', agent, {
          agentRuntimeArtifact: agentcore.AgentRuntimeArtifact.fromImageUri(uri),
        }),
      ).toThrow(
        /^Runtimes\/Rt: image .* names no repository the agent can be granted to pull from; use AgentRuntimeArtifact\.fromEcrRepository/,
      );
    });
  });
});

describe('AgentWorkloadIdentity.runtimeManaged', () => {
  function managed(options = {}) {
    const s = newStack();
    const agent = runtimeAgent(s, 'Concierge', 'concierge', {
      workloadIdentity: AgentWorkloadIdentity.runtimeManaged(options),
    });
    return { s, agent };
  }

  test('grants no token action, denies them all, and declares tokens obtained by agentcore-runtime', async () => {
    const { s, agent } = managed();
    AgentCompute.agentCoreRuntime(s, 'Rt', agent, { agentRuntimeArtifact: artifact(s, 'c') });
    // and even a hand-written grant of every identity's tokens cannot widen it
    agent.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock-agentcore:GetWorkloadAccessToken*'],
        resources: [workloadIdentity('*')],
      }),
    );
    const tpl = templateOf(s, { [logicalIdOf(s, 'Rt')]: { AgentRuntimeId: RUNTIME_A_ID } });
    const role = agentRole(tpl, 'concierge');
    for (const action of [
      'bedrock-agentcore:GetWorkloadAccessToken',
      'bedrock-agentcore:GetWorkloadAccessTokenForJWT',
      'bedrock-agentcore:GetWorkloadAccessTokenForUserId',
    ]) {
      expect(await simulateAs(role, { action, resource: workloadIdentity(`${RUNTIME_A_ID}-x`) })).toBe(
        'ExplicitlyDenied',
      );
      expect(await simulateAs(role, { action, resource: workloadIdentity('billing') })).toBe(
        'ExplicitlyDenied',
      );
    }
    const metadata = tpl.Resources[role.logicalId].Metadata['cdk-agent-identity:credentials'];
    expect(metadata).toMatchObject({
      obtainedBy: 'agentcore-runtime',
      workloadIdentity: 'created by its AgentCore Runtime',
    });
    expect(agent.workloadIdentity?.obtainedBy).toBe('agentcore-runtime');
  });

  test('with an inbound authorizer: still no ForJWT grant (the runtime obtains the user token)', () => {
    const { s, agent } = managed({
      inboundAuthorizer: InboundJwtAuthorizer.oidc({
        discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration',
        allowedAudiences: ['concierge'],
      }),
      actsForUsers: UserDelegation.throughInboundJwt({ scopes: ['crm.read'] }),
    });
    AgentCompute.agentCoreRuntime(s, 'Rt', agent, { agentRuntimeArtifact: artifact(s, 'c') });
    const text = JSON.stringify(Template.fromStack(s).toJSON().Resources);
    expect(text).not.toMatch(/"Effect":"Allow"[^}]*GetWorkloadAccessToken/);
  });

  test('an agent with a runtime-managed identity but no runtime fails at synth', () => {
    const { s } = managed();
    expect(() => Template.fromStack(s)).toThrow(
      /agent "concierge" has a runtime-managed workload identity but runs on no AgentCore Runtime; bind it with AgentCompute\.agentCoreRuntime/,
    );
  });

  test('refused: another runtime kind, user-id delegation, credential-provider grants', () => {
    const s = newStack();
    expect(
      () =>
        new AgentIdentity(s, 'L', {
          agentName: 'lambda-agent',
          runtime: AgentRuntime.lambdaFunction(),
          workloadIdentity: AgentWorkloadIdentity.runtimeManaged(),
        }),
    ).toThrow(
      /^Runtimes\/L: AgentWorkloadIdentity\.runtimeManaged\(\) is the identity an AgentCore Runtime creates, but agent "lambda-agent" runs on "lambda"/,
    );
    expect(() =>
      managed({ actsForUsers: UserDelegation.byUserId({ reason: 'batch jobs for named users' }) }),
    ).toThrow(/UserDelegation\.byUserId cannot apply to a runtime-managed workload identity/);
    const { s: s2, agent } = managed();
    const provider = new agentcore.ApiKeyCredentialProvider(s2, 'Key', {
      apiKeyCredentialProviderName: 'crm-key',
    });
    expect(() => agent.grantCredentials(CredentialProvider.apiKey(provider))).toThrow(
      /^Runtimes\/Concierge: grantCredentials cannot name the workload identity created by its AgentCore Runtime/,
    );
  });
});
