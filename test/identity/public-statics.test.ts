import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  AgentBoundary,
  AgentIdentityChecks,
  AgentRevocation,
  AgentRuntime,
  AgentTagKeys,
  DataClassification,
  DataClassificationLadder,
  PermissionsGuardrails,
  SecretRotation,
} from '../../lib';

/**
 * The statics that replaced free functions and constants for jsii (issue 18): same values as the
 * library uses internally, and lists a consumer cannot edit to weaken what the library enforces.
 */
describe('PermissionsGuardrails', () => {
  test('statements() are the denies of the AgentBoundary permissions-guardrail policies, Sid for Sid', () => {
    // GIVEN a stack whose boundary carries every guardrail (one service added beyond the ceiling)
    const stack = new Stack(new App(), 'S');
    const boundary = AgentBoundary.of(stack);
    boundary.allowServices('sagemaker');
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    boundary.permissionsGuardrailPoliciesFor(role, false);
    // WHEN the template's guardrail policies are read
    const sids = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))
      .filter((r) => /explicit denies/.test(r.Properties.Description ?? ''))
      .flatMap((r) => r.Properties.PolicyDocument.Statement.map((s: { Sid: string }) => s.Sid));
    // THEN they are exactly the statements the class names
    const statements = PermissionsGuardrails.statements().map((s) => s.toStatementJson());
    expect(statements.every((s) => s.Effect === 'Deny')).toBe(true);
    expect(statements.map((s) => s.Sid)).toEqual(PermissionsGuardrails.SIDS);
    expect([...new Set(sids)].sort()).toEqual([...PermissionsGuardrails.SIDS].sort());
  });

  test('the ceiling lists are what the boundary allows', () => {
    const stack = new Stack(new App(), 'S');
    const boundary = AgentBoundary.of(stack);
    const doc = stack.resolve(boundary.boundary.document.toJSON());
    const allowed: string[] = doc.Statement.find((s: { Sid: string }) => s.Sid === 'Ceiling').Action;
    expect(allowed).toEqual([
      ...PermissionsGuardrails.AGENT_SERVICES.map((s) => `${s}:*`),
      ...PermissionsGuardrails.AGENT_RUNTIME_ACTIONS,
    ]);
    expect(PermissionsGuardrails.TENANT_FENCED_SERVICES).toContain('s3');
  });

  test.each([
    ['PermissionsGuardrails.AGENT_SERVICES', PermissionsGuardrails.AGENT_SERVICES],
    ['PermissionsGuardrails.AGENT_RUNTIME_ACTIONS', PermissionsGuardrails.AGENT_RUNTIME_ACTIONS],
    ['PermissionsGuardrails.TENANT_FENCED_SERVICES', PermissionsGuardrails.TENANT_FENCED_SERVICES],
    ['PermissionsGuardrails.SIDS', PermissionsGuardrails.SIDS],
    ['AgentTagKeys.PRINCIPAL_KEYS', AgentTagKeys.PRINCIPAL_KEYS],
    ['AgentIdentityChecks.RULE_IDS', AgentIdentityChecks.RULE_IDS],
    ['AgentRevocation.STATEMENT_IDS', AgentRevocation.STATEMENT_IDS],
    ['AgentRevocation.CREDENTIAL_PROVIDER_ACTIONS', AgentRevocation.CREDENTIAL_PROVIDER_ACTIONS],
  ])('%s cannot be edited by a consumer (frozen)', (_name, list) => {
    const before = [...list];
    expect(() => list.push('iam:*')).toThrow(TypeError);
    expect(() => list.splice(0, list.length)).toThrow(TypeError);
    expect(list).toEqual(before);
  });
});

describe('DataClassificationLadder', () => {
  test('orders PUBLIC < INTERNAL < CONFIDENTIAL < RESTRICTED', () => {
    expect(DataClassificationLadder.atOrBelow(DataClassification.CONFIDENTIAL)).toEqual([
      DataClassification.PUBLIC,
      DataClassification.INTERNAL,
      DataClassification.CONFIDENTIAL,
    ]);
    expect(DataClassificationLadder.rank(DataClassification.PUBLIC)).toBe(0);
    expect(DataClassificationLadder.rank(DataClassification.RESTRICTED)).toBe(3);
    expect(
      DataClassificationLadder.isCleared(DataClassification.INTERNAL, DataClassification.CONFIDENTIAL),
    ).toBe(false);
    expect(DataClassificationLadder.isCleared(DataClassification.RESTRICTED, DataClassification.PUBLIC)).toBe(
      true,
    );
  });

  test('refuses a value that is not on the ladder', () => {
    expect(() => DataClassificationLadder.rank('secret' as DataClassification)).toThrow(
      /unknown data classification "secret"/,
    );
  });
});

describe('TypeScript-only deprecated aliases (@jsii ignore)', () => {
  test('AgentRuntime.lambda() trusts exactly what lambdaFunction() trusts', () => {
    const trust = (runtime: AgentRuntime) => {
      const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
      const fragment = runtime.bind(stack).assumedBy.policyFragment;
      return stack.resolve({ principal: fragment.principalJson, conditions: fragment.conditions });
    };
    expect(trust(AgentRuntime.lambda())).toEqual(trust(AgentRuntime.lambdaFunction()));
  });

  test('SecretRotation.lambda(fn) is lambdaFunction(fn)', () => {
    const stack = new Stack(new App(), 'S');
    const fn = lambda.Function.fromFunctionArn(
      stack,
      'Fn',
      'arn:aws:lambda:us-east-1:111111111111:function:rotate',
    );
    const old = SecretRotation.lambda(fn, { every: Duration.days(7) });
    const current = SecretRotation.lambdaFunction(fn, { every: Duration.days(7) });
    expect(old.kind).toBe(current.kind);
    expect(old).toEqual(current);
  });

  const trustOf = (runtime: AgentRuntime) => {
    const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    const fragment = runtime.bind(stack).assumedBy.policyFragment;
    return stack.resolve({ principal: fragment.principalJson, conditions: fragment.conditions });
  };

  test('eksPodIdentity({ namespace }) (the contract name) trusts exactly what kubernetesNamespace trusts', () => {
    expect(trustOf(AgentRuntime.eksPodIdentity({ namespace: 'agents', serviceAccount: 'triage' }))).toEqual(
      trustOf(AgentRuntime.eksPodIdentity({ kubernetesNamespace: 'agents', serviceAccount: 'triage' })),
    );
  });

  test('githubActions({ ref }) (the contract name) trusts exactly what gitRef trusts', () => {
    const provider = (stack: Stack) =>
      iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(
        stack,
        'Gh',
        'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com',
      );
    const trust = (options: { ref?: string; gitRef?: string }) => {
      const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
      const runtime = AgentRuntime.githubActions({
        repo: 'acme/agents',
        provider: provider(stack),
        ...options,
      });
      const fragment = runtime.bind(stack).assumedBy.policyFragment;
      return stack.resolve({ principal: fragment.principalJson, conditions: fragment.conditions });
    };
    expect(trust({ ref: 'refs/heads/main' })).toEqual(trust({ gitRef: 'refs/heads/main' }));
  });

  test('the old and the new name together, or neither, is an error naming both', () => {
    expect(() =>
      trustOf(
        AgentRuntime.eksPodIdentity({ namespace: 'a', kubernetesNamespace: 'b', serviceAccount: 'triage' }),
      ),
    ).toThrow(
      /eksPodIdentity got both kubernetesNamespace "b" and its deprecated name namespace "a"; give only kubernetesNamespace/,
    );
    expect(() => trustOf(AgentRuntime.eksPodIdentity({ serviceAccount: 'triage' }))).toThrow(
      /eksPodIdentity needs kubernetesNamespace/,
    );
    expect(() =>
      trustOf(
        AgentRuntime.githubActions({ repo: 'acme/agents', ref: 'refs/heads/a', gitRef: 'refs/heads/b' }),
      ),
    ).toThrow(/githubActions got both gitRef .* and its deprecated name ref/);
  });
});
