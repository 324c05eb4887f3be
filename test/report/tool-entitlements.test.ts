import { Stack } from 'aws-cdk-lib';
import { GatewayTool, ToolCaller, ToolCondition } from '../../lib';
import {
  AgentEntitlementRecord,
  ChangeKind,
  EntitlementReportJson,
  buildEntitlementReport,
  diffEntitlementReports,
  renderEntitlementMarkdown,
} from '../../lib/report/report-format';
import { newStack } from '../helpers/stacks';
import { complaintScenario, researchScenario } from '../tools/scenarios';

function reportOf(build: (stack: Stack) => void): EntitlementReportJson {
  const { app, stack } = newStack();
  build(stack);
  const template = app.synth().getStackByName(stack.stackName).template;
  return buildEntitlementReport([{ stackName: stack.stackName, template }]);
}

function agent(report: EntitlementReportJson, name: string): AgentEntitlementRecord {
  return report.agents.find((a) => a.agentName === name)!;
}

describe('entitlement report: tools per agent', () => {
  // GIVEN the complaint scenario (JWT gateway, log-only)
  const report = reportOf((s) => complaintScenario(s));
  const tools = agent(report, 'complaint-agent').tools!;

  test('lists exactly the granted tools, with the engine mode and caller', () => {
    expect(tools.map((t) => [t.tool, t.mode, t.caller])).toEqual([
      ['crm___getRecord', 'LOG_ONLY', 'JWT sub complaint-agent-client'],
      ['crm___updateRecord', 'LOG_ONLY', 'JWT sub complaint-agent-client'],
    ]);
  });

  test('shows the per-record condition and the tenant fence of updateRecord', () => {
    const update = tools.find((t) => t.tool === 'crm___updateRecord')!;
    expect(update.conditions.join(' ')).toContain(
      'context.input.recordId == principal.getTag("task_record_id")',
    );
    expect(update.forbids).toEqual([
      expect.stringMatching(/serves tenant acme.*context\.input\.tenantId != "acme"/),
    ]);
    expect(tools.find((t) => t.tool === 'crm___getRecord')!.conditions).toEqual([]);
    expect(tools.map((t) => [t.tool, t.conditional])).toEqual([
      ['crm___getRecord', false],
      ['crm___updateRecord', true],
    ]);
  });

  test('Markdown has the tools table and the agent -> gateway -> tool graph', () => {
    const md = renderEntitlementMarkdown(report);
    expect(md).toContain('### Tools (Cedar policies at AgentCore Gateways)');
    expect(md).toContain('**LOG_ONLY** (not enforced)');
    expect(md).toMatch(/agent\d+ -->\|"calls tools"\| gateway\d+/);
    expect(md).toMatch(/gateway\d+ -->\|"complaint-agent, conditional"\| tool\d+/);
    expect(md).toMatch(/tool\d+>"tool crm___updateRecord"\]/);
  });

  test('on an IAM gateway: the caller is the role (rendered), forbids for everyone are shown, Markdown renders', () => {
    const research = reportOf((s) => researchScenario(s));
    expect(research.agents.every((a) => Array.isArray(a.tools))).toBe(true);
    const coder = agent(research, 'coder').tools!;
    expect(coder.map((t) => t.caller)).toEqual(
      coder.map(() => expect.stringMatching(/^sessions of role \$\{Coder\w+\}$/)),
    );
    expect(coder.find((t) => t.tool === 'repo___mergePullRequest')!.forbids).toEqual([
      expect.stringMatching(/^protected branches change by human review only: when .*"main", "release"/),
    ]);
    expect(coder.map((t) => [t.tool, t.conditional])).toEqual([
      ['repo___mergePullRequest', true],
      ['repo___openPullRequest', false],
      ['repo___readFile', false],
      ['repo___writeFile', false],
    ]);
    expect(renderEntitlementMarkdown(research)).toMatch(/gateway\d+ -->\|"coder"\| tool\d+/);
  });

  test('agents without tools have no tools field (schema unchanged for them)', () => {
    expect(
      report.agents.filter((a) => a.agentName !== 'complaint-agent').every((a) => a.tools === undefined),
    ).toBe(true);
  });
});

describe('agent-identity diff of tools', () => {
  const baseline = reportOf((s) => {
    complaintScenario(s).tools.enforce();
  });

  const kinds = (current: EntitlementReportJson) =>
    diffEntitlementReports(baseline, current).changes.map((c) => [c.kind, c.widened]);

  test('the same app is no change', () => {
    expect(diffEntitlementReports(baseline, baseline).changes).toEqual([]);
  });

  test('a new tool is widening', () => {
    const current = reportOf((s) => {
      const c = complaintScenario(s);
      c.tools.enforce();
      c.tools.grant(c.agent, [GatewayTool.of(c.crm, 'deleteRecord')], {
        caller: ToolCaller.jwtSubject('complaint-agent-client'),
      });
    });
    expect(kinds(current)).toContainEqual([ChangeKind.TOOL_ADDED, true]);
  });

  test('enforce -> log-only is widening', () => {
    const current = reportOf((s) => complaintScenario(s));
    expect(kinds(current)).toEqual([
      [ChangeKind.TOOL_POLICY_LOG_ONLY, true],
      [ChangeKind.TOOL_POLICY_LOG_ONLY, true],
    ]);
    expect(diffEntitlementReports(current, baseline).widened).toBe(false);
  });

  test('a removed condition is widening, an added one narrowing', () => {
    const loosened: EntitlementReportJson = {
      ...baseline,
      agents: baseline.agents.map((a) =>
        a.tools
          ? {
              ...a,
              tools: a.tools.map((t) => ({
                ...t,
                conditions: t.conditions.filter((c) => !c.includes('getTag')),
              })),
            }
          : a,
      ),
    };
    expect(kinds(loosened)).toEqual([[ChangeKind.TOOL_CONDITION_REMOVED, true]]);
    expect(diffEntitlementReports(loosened, baseline).changes.map((c) => [c.kind, c.widened])).toEqual([
      [ChangeKind.TOOL_CONDITION_ADDED, false],
    ]);
  });

  test('a removed forbid is widening', () => {
    const unfenced: EntitlementReportJson = {
      ...baseline,
      agents: baseline.agents.map((a) =>
        a.tools ? { ...a, tools: a.tools.map((t) => ({ ...t, forbids: [] })) } : a,
      ),
    };
    expect(kinds(unfenced)).toEqual([[ChangeKind.TOOL_FORBID_REMOVED, true]]);
  });

  test('a condition added through the API shows as narrowing', () => {
    const current = reportOf((s) => {
      const c = complaintScenario(s);
      c.tools.enforce();
      c.tools.forbid([GatewayTool.of(c.crm, 'getRecord')], {
        when: [ToolCondition.inputEquals('recordId', 'vip')],
        reason: 'vip records by humans only',
      });
    });
    expect(kinds(current)).toEqual([[ChangeKind.TOOL_FORBID_ADDED, false]]);
  });
});
