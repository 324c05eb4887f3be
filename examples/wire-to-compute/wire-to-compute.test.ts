import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AgentCompute, AgentIdentity, AgentRuntime } from '../../lib';
import { describeRulePackTests } from '../_shared/standard-tests';
import { ACCOUNT, REGION, agentRole, arn, logicalIdOf, simulateAs, templateOf } from '../_shared/simulation';
import { buildApp } from './app';
import { readmeBlockAndApp } from '../_shared/readme-block';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const logStream = (logGroup: string) =>
  arn('logs', REGION, ACCOUNT, `log-group:${logGroup}:log-stream:2026/12/01/[$LATEST]0123456789abcdef`);

describe('example: wire-to-compute', () => {
  // GIVEN the example app
  const app = new App();
  const stack = buildApp(app);
  const template = templateOf(stack);
  const t = Template.fromStack(stack);
  const triageLogGroup = logicalIdOf(stack, 'TriageFunction/AgentLogGroup');
  const summarizerLogGroup = logicalIdOf(stack, 'SummarizerLogs');

  test('the README "Wire to compute" block is this file, word for word', () => {
    const { block, source } = readmeBlockAndApp(
      'Wire an agent to its compute',
      path.join(__dirname, 'app.ts'),
    );
    expect(block).toBe(source);
  });

  describeRulePackTests(app, stack, [
    'cloudwatch_log_group_encrypted_check SummarizerLogs/Resource',
    'cloudwatch_log_group_encrypted_check TriageFunction/AgentLogGroup/Resource',
    'ecs_containers_readonly_access_check SummarizerTask/Resource',
    'ecs_task_definition_memory_hard_limit_check SummarizerTask/Resource',
    'ecs_task_definition_nonroot_user_check SummarizerTask/Resource',
    'lambda_inside_vpc_check TriageFunction/Resource',
  ]);

  describe('Lambda', () => {
    test('the function runs as the agent and logs to its own, explicit log group', () => {
      t.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [agentRole(template, 'email-triage').logicalId, 'Arn'] },
        LoggingConfig: { LogGroup: { Ref: triageLogGroup } },
      });
      t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    });

    test('no AWS managed policy (AWSLambdaBasicExecutionRole) is attached to any agent', () => {
      for (const [, role] of Object.entries<Json>(t.findResources('AWS::IAM::Role'))) {
        for (const attached of role.Properties.ManagedPolicyArns ?? [])
          expect(attached).toHaveProperty('Ref');
      }
    });

    test('simulation: the function writes its own log group, not another one', async () => {
      const triage = agentRole(template, 'email-triage');
      for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
        expect(await simulateAs(triage, { action, resource: logStream(triageLogGroup) })).toBe('Allowed');
        expect(await simulateAs(triage, { action, resource: logStream(summarizerLogGroup) })).toBe(
          'ImplicitlyDenied',
        );
        expect(
          await simulateAs(triage, { action, resource: logStream('/aws/lambda/another-function') }),
        ).toBe('ImplicitlyDenied');
      }
      // and it cannot create, delete or re-key log groups
      for (const action of ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy']) {
        expect(
          await simulateAs(triage, {
            action,
            resource: arn('logs', REGION, ACCOUNT, `log-group:${triageLogGroup}`),
          }),
        ).not.toBe('Allowed');
      }
    });

    test('attack baseline: role: agent.role without the binding leaves the function unable to log', async () => {
      // GIVEN what users wrote before the binding existed
      const bare = new App();
      const s = new Stack(bare, 'Bare', { env: { account: ACCOUNT, region: REGION } });
      const agent = new AgentIdentity(s, 'Agent', {
        agentName: 'bare',
        runtime: AgentRuntime.lambdaFunction(),
        owner: 'o@example.com',
      });
      new lambda.Function(s, 'Fn', {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => 0;'),
        role: agent.role,
      });
      // THEN it cannot write to any log group (the gap the binding closes)
      const role = agentRole(templateOf(s), 'bare');
      expect(
        await simulateAs(role, { action: 'logs:PutLogEvents', resource: logStream('/aws/lambda/Fn') }),
      ).toBe('ImplicitlyDenied');
    });
  });

  describe('ECS', () => {
    test('the task role is the agent; the execution role is another role, and the agent gets no log or image rights', async () => {
      const summarizer = agentRole(template, 'summarizer');
      const task = Object.values<Json>(t.findResources('AWS::ECS::TaskDefinition'))[0].Properties;
      expect(task.TaskRoleArn).toEqual({ 'Fn::GetAtt': [summarizer.logicalId, 'Arn'] });
      expect(task.ExecutionRoleArn['Fn::GetAtt'][0]).not.toBe(summarizer.logicalId);
      expect(
        await simulateAs(summarizer, {
          action: 'logs:PutLogEvents',
          resource: logStream(summarizerLogGroup),
        }),
      ).toBe('ImplicitlyDenied');
      expect(await simulateAs(summarizer, { action: 'ecr:GetAuthorizationToken', resource: '*' })).toBe(
        'ImplicitlyDenied',
      );
    });
  });

  describe('EKS', () => {
    test('the pod identity association names the agent role and exactly the namespace and service account it trusts', () => {
      t.resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
      t.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
        ClusterName: 'agents',
        Namespace: 'research',
        ServiceAccount: 'researcher',
        RoleArn: { 'Fn::GetAtt': [agentRole(template, 'researcher').logicalId, 'Arn'] },
      });
    });
  });

  describe('AgentCore Runtime', () => {
    const runtimeId = 'ConciergeRuntime_x-AbCdEfGhIj';
    const resolvedTemplate = templateOf(stack, {
      [logicalIdOf(stack, 'ConciergeRuntime')]: { AgentRuntimeId: runtimeId },
    });

    test('the runtime runs as the agent, and the L2 made no execution role of its own', () => {
      const concierge = agentRole(template, 'concierge');
      const runtime = Object.values<Json>(t.findResources('AWS::BedrockAgentCore::Runtime'))[0];
      expect(JSON.stringify(runtime.Properties.RoleArn)).toContain(`{"Ref":"${concierge.logicalId}"}`);
      expect(JSON.stringify(t.toJSON())).not.toContain('/aws/bedrock-agentcore/runtimes/*');
    });

    test("simulation: it writes its own runtime log groups, not another runtime's or the Lambda agent's", async () => {
      const concierge = agentRole(resolvedTemplate, 'concierge');
      const own = logStream(`/aws/bedrock-agentcore/runtimes/${runtimeId}-DEFAULT`);
      const other = logStream('/aws/bedrock-agentcore/runtimes/other_runtime-KlMnOpQrSt-DEFAULT');
      expect(await simulateAs(concierge, { action: 'logs:PutLogEvents', resource: own })).toBe('Allowed');
      expect(await simulateAs(concierge, { action: 'logs:PutLogEvents', resource: other })).toBe(
        'ImplicitlyDenied',
      );
      expect(
        await simulateAs(concierge, { action: 'logs:PutLogEvents', resource: logStream(triageLogGroup) }),
      ).toBe('ImplicitlyDenied');
      expect(
        await simulateAs(concierge, {
          action: 'bedrock-agentcore:GetWorkloadAccessToken',
          resource: arn(
            'bedrock-agentcore',
            REGION,
            ACCOUNT,
            'workload-identity-directory/default/workload-identity/email-triage',
          ),
        }),
      ).toBe('ImplicitlyDenied');
    });
  });

  describe('mismatches are synth errors naming both sides', () => {
    const fresh = () => {
      const s = new Stack(new App(), 'Errors', { env: { account: ACCOUNT, region: REGION } });
      const fnProps = (role?: iam.IRole) => ({
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => 0;'),
        role,
      });
      return { s, fnProps };
    };

    test('a Lambda binding for an ECS agent', () => {
      const { s, fnProps } = fresh();
      const agent = new AgentIdentity(s, 'Worker', { agentName: 'worker', runtime: AgentRuntime.ecsTask() });
      const fn = new lambda.Function(s, 'Fn', fnProps(agent.role));
      expect(() => AgentCompute.lambdaFunction(agent, fn)).toThrow(
        /^Errors\/Fn: agent "worker" \(Errors\/Worker\) runs on ecs-task \(AgentRuntime\.ecsTask\(\)\), so its role cannot be assumed by a Lambda function; create the agent with runtime: AgentRuntime\.lambdaFunction\(\)/,
      );
    });

    test('an ECS binding for a Lambda agent', () => {
      const { s } = fresh();
      const agent = new AgentIdentity(s, 'Worker', {
        agentName: 'worker',
        runtime: AgentRuntime.lambdaFunction(),
      });
      const task = new ecs.FargateTaskDefinition(s, 'Task', { taskRole: agent.role });
      expect(() => AgentCompute.ecsTaskDefinition(agent, task)).toThrow(
        /Errors\/Task: agent "worker" .* runs on lambda .* by an ECS task definition; create the agent with runtime: AgentRuntime\.ecsTask\(\)/,
      );
    });

    test('a role that is not an AgentIdentity', () => {
      const { s, fnProps } = fresh();
      const role = new iam.Role(s, 'Plain', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      const fn = new lambda.Function(s, 'Fn', fnProps(role));
      expect(() => AgentCompute.lambdaFunction(role as unknown as AgentIdentity, fn)).toThrow(
        /^Errors\/Fn: binding a Lambda function needs an AgentIdentity, got "Role\d*"/,
      );
    });

    test('a function that runs as another role', () => {
      const { s, fnProps } = fresh();
      const agent = new AgentIdentity(s, 'Worker', {
        agentName: 'worker',
        runtime: AgentRuntime.lambdaFunction(),
      });
      const fn = new lambda.Function(s, 'Fn', fnProps());
      expect(() => AgentCompute.lambdaFunction(agent, fn)).toThrow(
        /Errors\/Fn: runs as "Errors\/Fn\/ServiceRole", not as agent "worker"; create it with role: agent\.role/,
      );
    });

    test('an ECS task whose execution role is the agent', () => {
      const { s } = fresh();
      const agent = new AgentIdentity(s, 'Worker', { agentName: 'worker', runtime: AgentRuntime.ecsTask() });
      const task = new ecs.FargateTaskDefinition(s, 'Task', {
        taskRole: agent.role,
        executionRole: agent.role,
      });
      expect(() => AgentCompute.ecsTaskDefinition(agent, task)).toThrow(
        /Errors\/Task: the execution role of this task definition is the role of agent "worker"/,
      );
    });

    test('a pod identity association for another cluster than the agent trusts', () => {
      const { s } = fresh();
      const agent = new AgentIdentity(s, 'Worker', {
        agentName: 'worker',
        runtime: AgentRuntime.eksPodIdentity({
          kubernetesNamespace: 'ns',
          serviceAccount: 'sa',
          clusterName: 'prod',
        }),
      });
      expect(() => AgentCompute.eksPodIdentity(s, 'Pods', agent, { clusterName: 'dev' })).toThrow(
        /clusterName "dev" is not the cluster "prod" agent "worker" trusts/,
      );
    });
  });

  test('a traced function gets X-Ray only, with the reason for its "*" recorded', () => {
    const s = new Stack(new App(), 'Traced', { env: { account: ACCOUNT, region: REGION } });
    const agent = new AgentIdentity(s, 'Worker', {
      agentName: 'worker',
      runtime: AgentRuntime.lambdaFunction(),
    });
    const fn = new lambda.Function(s, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 0;'),
      role: agent.role,
      tracing: lambda.Tracing.ACTIVE,
    });
    AgentCompute.lambdaFunction(agent, fn);
    Template.fromStack(s).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }),
        ],
      },
    });
  });
});
