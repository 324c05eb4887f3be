import * as path from 'path';
import { CliOutput, main } from '../../bin/agent-identity';
import { EntitlementReport } from '../../lib';
import {
  ChangeKind,
  EntitlementReportJson,
  diffEntitlementReports,
  parseEntitlementReport,
  readEntitlementReport,
  renderEntitlementMarkdown,
} from '../../lib/report/report-format';
import * as fs from 'fs';
import { tempDir } from './fixtures';

/**
 * The same app's report as written by schema version 1 (checked in, written by the release before
 * the permissions-guardrails rename) and by version 2 (this release). Version 2 only renamed three
 * agent fields: `guardRails` → `permissionsGuardrails`, `missingGuardRails` →
 * `missingPermissionsGuardrails`, `guardrails` (Bedrock guardrail pins) → `guardrailPins`.
 */
const V1_FILE = path.join(__dirname, 'schema-fixtures', 'agent-entitlements.v1.json');
const V2_FILE = path.join(__dirname, 'schema-fixtures', 'agent-entitlements.v2.json');
const v1Text = fs.readFileSync(V1_FILE, 'utf8');
const v2Text = fs.readFileSync(V2_FILE, 'utf8');

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out: CliOutput = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  const code = await main(argv, out);
  return { code, stdout, stderr };
}

/** The version-2 report with `change` applied to the agent `email-triage`. */
function changedV2(change: (agent: Record<string, unknown>) => void): EntitlementReportJson {
  const data = JSON.parse(v2Text);
  change(data.agents.find((a: { agentName: string }) => a.agentName === 'email-triage'));
  return parseEntitlementReport(JSON.stringify(data), 'changed v2');
}

describe('entitlement report schema versions 1 and 2', () => {
  test('the fixtures are what each version writes: version 1 with the old names, version 2 with the new', () => {
    const v1 = JSON.parse(v1Text);
    const v2 = JSON.parse(v2Text);
    expect([v1.schemaVersion, v2.schemaVersion]).toEqual([1, EntitlementReport.SCHEMA_VERSION]);
    expect(Object.keys(v1.agents[0])).toEqual(
      expect.arrayContaining(['guardRails', 'missingGuardRails', 'guardrails']),
    );
    for (const agent of v2.agents) {
      expect(agent).not.toHaveProperty('guardRails');
      expect(agent).not.toHaveProperty('missingGuardRails');
      expect(agent).not.toHaveProperty('guardrails');
    }
    expect(v2.agents[0].permissionsGuardrails).toContain('DenyIamWrites');
    expect(v2.agents[0].guardrailPins).toHaveLength(2);
  });

  test('a version-1 file reads as the version-2 report of the same app, field for field and in order', () => {
    // WHEN both files are read
    const fromV1 = readEntitlementReport(V1_FILE);
    const fromV2 = readEntitlementReport(V2_FILE);
    // THEN the upgraded version 1 is the version 2 report
    expect(fromV1).toEqual(fromV2);
    expect(JSON.stringify(fromV1)).toBe(JSON.stringify(fromV2));
    expect(EntitlementReport.fromFile(V1_FILE).toJson()).toEqual(JSON.parse(v2Text));
    expect(EntitlementReport.fromFile(V1_FILE).schemaVersion).toBe(2);
  });

  test('diff of the old and the new file of the same app shows no change, either way round', async () => {
    expect(
      diffEntitlementReports(readEntitlementReport(V1_FILE), readEntitlementReport(V2_FILE)).changes,
    ).toEqual([]);
    expect(await cli('diff', V1_FILE, V2_FILE)).toEqual({
      code: 0,
      stdout: 'No entitlement changed.\n',
      stderr: '',
    });
    expect(await cli('diff', V2_FILE, V1_FILE)).toEqual({
      code: 0,
      stdout: 'No entitlement changed.\n',
      stderr: '',
    });
  });

  test('the Markdown of a version-1 file is the Markdown of its version-2 report', () => {
    const markdown = renderEntitlementMarkdown(readEntitlementReport(V1_FILE));
    expect(markdown).toBe(renderEntitlementMarkdown(readEntitlementReport(V2_FILE)));
    expect(markdown).toContain('| Permissions guardrails | `DenyIamWrites`');
    expect(markdown).toContain('### Guardrail pins');
  });

  test('against a version-1 baseline, a removed permissions guardrail is a widening', async () => {
    // GIVEN a new report where DenyIamWrites is gone
    const current = changedV2((agent) => {
      agent.denies = (agent.denies as { sid?: string }[]).filter((d) => d.sid !== 'DenyIamWrites');
      agent.permissionsGuardrails = (agent.permissionsGuardrails as string[]).filter(
        (s) => s !== 'DenyIamWrites',
      );
      agent.missingPermissionsGuardrails = ['DenyIamWrites'];
    });
    // WHEN it is compared with the version-1 baseline
    const diff = diffEntitlementReports(readEntitlementReport(V1_FILE), current);
    // THEN the removal widens access, under the new kind and wording
    expect(diff.widened).toBe(true);
    expect(diff.changes).toEqual([
      {
        agent: 'email-triage',
        kind: ChangeKind.PERMISSIONS_GUARDRAIL_REMOVED,
        widened: true,
        description: 'permissions guardrail DenyIamWrites removed',
      },
    ]);
    // AND the CLI exits 1 on it
    const file = path.join(tempDir('schema-versions-'), 'current.json');
    fs.writeFileSync(file, JSON.stringify(current));
    expect((await cli('diff', V1_FILE, file)).code).toBe(1);
  });

  test('against a version-1 baseline, a removed guardrail pin is a widening', () => {
    // GIVEN a new report where the deny that requires the guardrail is gone
    const current = changedV2((agent) => {
      const isPin = (s: unknown) => JSON.stringify(s).includes('bedrock:GuardrailIdentifier');
      agent.denies = (agent.denies as unknown[]).filter((d) => !isPin(d));
      agent.guardrailPins = (agent.guardrailPins as { effect: string }[]).filter((p) => p.effect !== 'Deny');
    });
    // WHEN compared THEN the lost pin is reported as widening
    const diff = diffEntitlementReports(readEntitlementReport(V1_FILE), current);
    expect(diff.changes.map((c) => [c.kind, c.widened])).toEqual([[ChangeKind.GUARDRAIL_PIN_REMOVED, true]]);
  });

  test('an unknown future version is refused with the versions this release reads', () => {
    expect(() =>
      EntitlementReport.parse(v2Text.replace('"schemaVersion": 2', '"schemaVersion": 3'), 'next.json'),
    ).toThrow(
      expect.objectContaining({
        name: 'EntitlementReportError',
        message: expect.stringContaining(
          'next.json has schemaVersion 3, but this agent-identity reads schemaVersion 1 or 2',
        ),
      }),
    );
  });
});
