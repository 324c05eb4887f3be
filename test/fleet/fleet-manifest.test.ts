import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AgentFleet } from '../../lib';
import {
  ManifestError,
  parseManifest,
  readManifestFile,
  validateManifestObject,
} from '../../lib/fleet/fleet-manifest';

const VALID = `version: 1
stacks: 2
agents:
  - name: acme-triage
    runtime: lambda
    tenant: acme
    clearance: confidential
    owner: support@example.com
    maxSessionHours: 2
    data:
      - store: inbox
        access: read
    models:
      - foundationModel: anthropic.claude-3-5-haiku-20241022-v1:0
    secrets: [translator-key]
  - name: globex-worker
    runtime:
      eksPodIdentity: { namespace: agents, serviceAccount: worker }
`;

function problemsOf(text: string): string[] {
  try {
    parseManifest(text, 'agents.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return (e as ManifestError).problems;
  }
  throw new Error('expected the manifest to be refused');
}

describe('fleet manifest', () => {
  test('a valid manifest parses into typed agents with defaults', () => {
    // WHEN
    const manifest = parseManifest(VALID, 'agents.yaml');
    // THEN
    expect(manifest.stacks).toBe(2);
    expect(manifest.agents).toHaveLength(2);
    expect(manifest.agents[0]).toEqual({
      name: 'acme-triage',
      runtime: 'lambda',
      tenant: 'acme',
      clearance: 'confidential',
      owner: 'support@example.com',
      maxSessionHours: 2,
      data: [{ store: 'inbox', access: 'read' }],
      models: [{ foundationModel: 'anthropic.claude-3-5-haiku-20241022-v1:0' }],
      secrets: ['translator-key'],
    });
    expect(manifest.agents[1]).toMatchObject({
      runtime: 'eks-pod-identity',
      eksPodIdentity: { kubernetesNamespace: 'agents', serviceAccount: 'worker' },
      data: [],
      models: [],
      secrets: [],
    });
  });

  test('errors point at the exact line and column of each bad value', () => {
    const problems = problemsOf(`version: 1
agents:
  - name: acme-triage
    runtime: lambda
    clearance: secrett
    data:
      - store: inbox
        access: readd
`);
    expect(problems).toEqual([
      'agents.yaml:5:16: agents[0].clearance "secrett" is not one of public, internal, confidential, restricted',
      'agents.yaml:8:17: agents[0].data[0].access "readd" is not one of read, write, read-write, delete',
    ]);
  });

  test.each([
    [
      'an unknown key',
      'version: 1\nagents:\n  - name: a\n    runtime: lambda\n    tennant: acme\n',
      /agents\.yaml:5:5: agents\[0\]\.tennant is not a known key/,
    ],
    [
      'a bad name',
      'version: 1\nagents:\n  - name: Bad_Name\n    runtime: lambda\n',
      /agents\.yaml:3:11: agents\[0\]\.name "Bad_Name"/,
    ],
    [
      'an unknown runtime',
      'version: 1\nagents:\n  - name: a\n    runtime: ec2\n',
      /agents\.yaml:4:14: agents\[0\]\.runtime "ec2" is not one of/,
    ],
    [
      'a wildcard model',
      'version: 1\nagents:\n  - name: a\n    runtime: lambda\n    models:\n      - foundationModel: "anthropic.*"\n',
      /agents\.yaml:6:26: .*without wildcards/,
    ],
    [
      'two model kinds in one entry',
      'version: 1\nagents:\n  - name: a\n    runtime: lambda\n    models:\n      - { foundationModel: x, inferenceProfile: y }\n',
      /must have exactly one of/,
    ],
    [
      'a 13-hour session',
      'version: 1\nagents:\n  - name: a\n    runtime: lambda\n    maxSessionHours: 13\n',
      /agents\.yaml:5:22: .*from 1 to 12/,
    ],
    [
      'a repeated name',
      'version: 1\nagents:\n  - name: a\n    runtime: lambda\n  - name: a\n    runtime: lambda\n',
      /agents\.yaml:5:11: agents\[1\]\.name "a" repeats agents\[0\]/,
    ],
    [
      'a wrong version',
      'version: 2\nagents:\n  - name: a\n    runtime: lambda\n',
      /agents\.yaml:1:10: version must be 1, got 2/,
    ],
    ['no agents', 'version: 1\nagents: []\n', /agents must be a non-empty list/],
    [
      'zero stacks',
      'version: 1\nstacks: 0\nagents:\n  - name: a\n    runtime: lambda\n',
      /stacks must be a whole number from 1 to 100/,
    ],
    ['broken YAML', 'version: 1\nagents:\n  - name: a\n   runtime: lambda\n', /agents\.yaml:\d+:\d+: /],
  ])('refuses %s', (_what, text, message) => {
    expect(problemsOf(text).join('\n')).toMatch(message);
  });

  test('an object manifest is validated the same way, errors name the path', () => {
    expect(() =>
      validateManifestObject({ version: 1, agents: [{ name: 'a', runtime: 'lambda', clearance: 'x' }] }),
    ).toThrow(/manifest: agents\[0\]\.clearance: agents\[0\]\.clearance "x" is not one of/);
    expect(
      validateManifestObject({ version: 1, agents: [{ name: 'a', runtime: 'lambda' }] }).agents[0].name,
    ).toBe('a');
  });

  test('a manifest file is read from disk; a missing file is a clear error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-'));
    const file = path.join(dir, 'agents.yaml');
    fs.writeFileSync(file, VALID);
    expect(readManifestFile(file).agents).toHaveLength(2);
    expect(() => readManifestFile(path.join(dir, 'missing.yaml'))).toThrow(/cannot read the manifest/);
  });

  test('hundreds of agents may share anchors (kept under an x- key) and merge keys', () => {
    // GIVEN 300 agents that merge one defaults block and alias one model list
    const agents = Array.from(
      { length: 300 },
      (_, i) => `  - <<: *triage\n    name: acme-triage-${i}\n    models: *haiku`,
    ).join('\n');
    const text = `version: 1
stacks: 2
x-defaults:
  triage: &triage
    runtime: lambda
    tenant: acme
    owner: support@example.com
  haiku: &haiku
    - foundationModel: anthropic.claude-3-5-haiku-20241022-v1:0
agents:
${agents}
`;
    // WHEN parsed
    const manifest = parseManifest(text, 'agents.yaml');
    // THEN every agent has the merged defaults, its own name and the aliased model
    expect(manifest.agents).toHaveLength(300);
    expect(manifest.agents[299]).toMatchObject({
      name: 'acme-triage-299',
      runtime: 'lambda',
      tenant: 'acme',
      owner: 'support@example.com',
      models: [{ foundationModel: 'anthropic.claude-3-5-haiku-20241022-v1:0' }],
    });
  });

  test('only x- keys are free at the top level; another unknown key is still refused', () => {
    expect(problemsOf('version: 1\ndefaults: {}\nagents: [{ name: a, runtime: lambda }]\n')).toEqual([
      expect.stringMatching(/^agents\.yaml:2:1: defaults is not a known key/),
    ]);
  });

  test('a manifest that expands aliases exponentially is refused with a clear error', () => {
    // GIVEN a "billion laughs" document: each level aliases the previous one ten times
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    // WHEN parsed THEN it fails fast as a ManifestError that names the limit
    expect(problemsOf(`version: 1\n${levels.join('\n')}\nagents: []\n`)).toEqual([
      expect.stringMatching(/^agents\.yaml: .*alias.* at most 10000 times/i),
    ]);
  });

  describe('on the jsii surface (AgentFleet statics)', () => {
    test('parseManifest, validateManifest and readManifest give the validated manifest', () => {
      // GIVEN the valid manifest as text, as data and as a file
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-')), 'agents.yaml');
      fs.writeFileSync(file, VALID);
      // WHEN read through the statics
      const parsed = AgentFleet.parseManifest(VALID, 'agents.yaml');
      // THEN each gives what the TypeScript functions give
      expect(parsed).toEqual(parseManifest(VALID, 'agents.yaml'));
      expect(AgentFleet.readManifest(file)).toEqual(parsed);
      expect(
        AgentFleet.validateManifest({ version: 1, agents: [{ name: 'a', runtime: 'lambda' }] }).agents[0]
          .name,
      ).toBe('a');
    });

    test('a bad manifest throws an error named ManifestError with every problem in its message', () => {
      // WHEN a manifest with two problems is parsed through the static
      let error: Error | undefined;
      try {
        AgentFleet.parseManifest('version: 2\nagents: []\n', 'agents.yaml');
      } catch (e) {
        error = e as Error;
      }
      // THEN the error is recognisable by name (as jsii languages see it) and names both problems
      expect(error?.name).toBe('ManifestError');
      expect(error?.message).toMatch(/agents\.yaml:1:\d+: version must be 1, got 2/);
      expect(error?.message).toMatch(/agents must be a non-empty list of agents/);
    });
  });
});
