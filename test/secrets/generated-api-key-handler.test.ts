import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { ARN, FakeSecretsManager, ORIGINAL, STEPS, Step } from './fake-secrets-manager';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../../lib/secrets/handlers/generated-api-key/index.js') as {
  handler: (event: Record<string, string>) => Promise<void>;
};

const event = (step: Step | string, token: string, extra: Record<string, string> = {}) => ({
  SecretId: ARN,
  ClientRequestToken: token,
  Step: step,
  ...extra,
});

async function rotate(token: string, times = 1): Promise<void> {
  for (const step of STEPS) for (let i = 0; i < times; i++) await handler(event(step, token));
}

let sm: FakeSecretsManager;
let logged: string[];
let spies: jest.SpyInstance[];

beforeEach(() => {
  delete process.env.KEY_LENGTH;
  sm = new FakeSecretsManager();
  logged = [];
  spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    }),
  );
});

afterEach(() => {
  sm.mock.restore();
  for (const spy of spies) spy.mockRestore();
});

describe('generated API key rotation handler', () => {
  test('the four steps put a new key in AWSCURRENT and keep the old one as AWSPREVIOUS', async () => {
    // GIVEN a secret whose AWSCURRENT is ORIGINAL and a rotation that has started
    const token = sm.startRotation();
    // WHEN the four steps run
    await rotate(token);
    // THEN the new key is current, the old one previous, and the new key has the documented shape
    const current = sm.valueOf('AWSCURRENT')!;
    expect(sm.versionWith('AWSCURRENT')).toBe(token);
    expect(sm.valueOf('AWSPREVIOUS')).toBe(ORIGINAL);
    expect(current).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(current).not.toBe(ORIGINAL);
  });

  test('createSecret stores a new key as AWSPENDING and leaves AWSCURRENT alone', async () => {
    const token = sm.startRotation();
    await handler(event('createSecret', token));
    expect(sm.valueOf('AWSPENDING')).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(sm.versionWith('AWSPENDING')).toBe(token);
    expect(sm.valueOf('AWSCURRENT')).toBe(ORIGINAL);
  });

  test('setSecret writes nothing (the key is validated against Secrets Manager)', async () => {
    const token = sm.startRotation();
    await handler(event('createSecret', token));
    const before = sm.calls('PutSecretValue') + sm.calls('UpdateSecretVersionStage');
    await handler(event('setSecret', token));
    expect(sm.calls('PutSecretValue') + sm.calls('UpdateSecretVersionStage')).toBe(before);
    expect(sm.valueOf('AWSCURRENT')).toBe(ORIGINAL);
  });

  test('testSecret reads AWSPENDING back and accepts a well-formed key', async () => {
    const token = sm.startRotation();
    await handler(event('createSecret', token));
    await expect(handler(event('testSecret', token))).resolves.toBeUndefined();
    const reads = sm.mock.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input);
    expect(reads).toContainEqual({ SecretId: ARN, VersionId: token, VersionStage: 'AWSPENDING' });
  });

  test('finishSecret moves AWSCURRENT from the old version to the token', async () => {
    const token = sm.startRotation();
    await handler(event('createSecret', token));
    await handler(event('finishSecret', token));
    expect(sm.mock.commandCalls(UpdateSecretVersionStageCommand)[0].args[0].input).toEqual({
      SecretId: ARN,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: token,
      RemoveFromVersionId: 'v-original',
    });
    expect(sm.versionWith('AWSCURRENT')).toBe(token);
  });

  test('the key length follows KEY_LENGTH', async () => {
    process.env.KEY_LENGTH = '40';
    const token = sm.startRotation();
    await rotate(token);
    expect(sm.valueOf('AWSCURRENT')).toMatch(/^[A-Za-z0-9_-]{40}$/);
  });

  test('a KEY_LENGTH outside 32-4096 fails before anything is written', async () => {
    process.env.KEY_LENGTH = '8';
    const token = sm.startRotation();
    await expect(handler(event('createSecret', token))).rejects.toThrow(/KEY_LENGTH/);
    expect(sm.calls('PutSecretValue')).toBe(0);
  });

  test('the RotationToken is passed to PutSecretValue', async () => {
    const token = sm.startRotation();
    await handler(event('createSecret', token, { RotationToken: 'rotation-token-value' }));
    expect(sm.mock.commandCalls(PutSecretValueCommand)[0].args[0].input.RotationToken).toBe(
      'rotation-token-value',
    );
  });
});

describe('idempotency: Secrets Manager may invoke a step more than once', () => {
  test.each(STEPS.map((s) => [s]))('re-invoking %s changes nothing the first call did not', async (step) => {
    // GIVEN a rotation run up to and including `step` once
    const token = sm.startRotation();
    for (const s of STEPS.slice(0, STEPS.indexOf(step) + 1)) await handler(event(s, token));
    const snapshot = JSON.stringify([...sm.versions]);
    const writes = sm.calls('PutSecretValue') + sm.calls('UpdateSecretVersionStage');
    // WHEN the same step is invoked again
    await handler(event(step, token));
    // THEN no version or label changed and nothing more was written
    expect(JSON.stringify([...sm.versions])).toBe(snapshot);
    expect(sm.calls('PutSecretValue') + sm.calls('UpdateSecretVersionStage')).toBe(writes);
  });

  test('every step twice ends exactly like every step once', async () => {
    const token = sm.startRotation();
    await rotate(token, 2);
    expect(sm.versionWith('AWSCURRENT')).toBe(token);
    expect(sm.valueOf('AWSPREVIOUS')).toBe(ORIGINAL);
    expect(sm.calls('PutSecretValue')).toBe(1);
    expect(sm.calls('UpdateSecretVersionStage')).toBe(1);
  });
});

describe('a failure at any step leaves AWSCURRENT intact and readable', () => {
  const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  const cases: [Step, string][] = [
    ['createSecret', 'PutSecretValue'],
    ['createSecret', 'GetSecretValue'],
    ['setSecret', 'DescribeSecret'],
    ['testSecret', 'GetSecretValue'],
    ['finishSecret', 'UpdateSecretVersionStage'],
  ];

  test.each(cases)('%s failing on %s', async (step, command) => {
    // GIVEN a rotation that got as far as the step before `step`
    const token = sm.startRotation();
    for (const s of STEPS.slice(0, STEPS.indexOf(step))) await handler(event(s, token));
    // WHEN the step fails on a Secrets Manager call
    sm.failures.set(command, throttled());
    await expect(handler(event(step, token))).rejects.toThrow(/Rate exceeded/);
    sm.failures.clear();
    // THEN AWSCURRENT still holds the original key and can be read
    expect(sm.versionWith('AWSCURRENT')).toBe('v-original');
    const read = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: ARN }));
    expect(read.SecretString).toBe(ORIGINAL);
  });

  test('testSecret refuses a malformed AWSPENDING value and AWSCURRENT stays', async () => {
    // GIVEN an AWSPENDING value that is not a key of the expected shape
    const token = sm.startRotation();
    sm.versions.set(token, { value: 'not a key!', stages: ['AWSPENDING'] });
    // WHEN testSecret runs
    await expect(handler(event('testSecret', token))).rejects.toThrow(/not a 64-character base64url key/);
    // THEN finishSecret never ran and AWSCURRENT is unchanged
    expect(sm.valueOf('AWSCURRENT')).toBe(ORIGINAL);
  });

  test('testSecret refuses an AWSPENDING value equal to AWSCURRENT', async () => {
    const same = 'A'.repeat(64);
    sm.versions.set('v-original', { value: same, stages: ['AWSCURRENT'] });
    const token = sm.startRotation();
    sm.versions.set(token, { value: same, stages: ['AWSPENDING'] });
    await expect(handler(event('testSecret', token))).rejects.toThrow(/repeats the AWSCURRENT key/);
  });
});

describe('requests the handler refuses', () => {
  test('a token that is not staged AWSPENDING', async () => {
    // GIVEN a version that is AWSPREVIOUS, not AWSPENDING
    sm.versions.set('v-old', { value: 'B'.repeat(64), stages: ['AWSPREVIOUS'] });
    // WHEN any step is invoked with it THEN it is refused and nothing is written
    for (const step of STEPS) {
      await expect(handler(event(step, 'v-old'))).rejects.toThrow(/not staged AWSPENDING/);
    }
    expect(sm.calls('PutSecretValue') + sm.calls('UpdateSecretVersionStage')).toBe(0);
  });

  test('a token Secrets Manager does not know', async () => {
    await expect(handler(event('createSecret', 'v-unknown'))).rejects.toThrow(/has no stage/);
    expect(sm.calls('PutSecretValue')).toBe(0);
  });

  test('a token that is already AWSCURRENT is a no-op', async () => {
    await handler(event('finishSecret', 'v-original'));
    expect(sm.calls('UpdateSecretVersionStage')).toBe(0);
    expect(sm.valueOf('AWSCURRENT')).toBe(ORIGINAL);
  });

  test('a secret with rotation disabled', async () => {
    // GIVEN a secret whose rotation is off
    sm.rotationEnabled = false;
    const token = sm.startRotation();
    // WHEN the first step is invoked THEN it is refused before anything is read or written
    await expect(handler(event('createSecret', token))).rejects.toThrow(/not enabled for rotation/);
    expect(sm.calls('GetSecretValue') + sm.calls('PutSecretValue')).toBe(0);
  });

  test('an unknown step', async () => {
    const token = sm.startRotation();
    await expect(handler(event('dropSecret', token))).rejects.toThrow(/unknown rotation step/);
  });

  test('an event without the required fields', async () => {
    await expect(handler({ Step: 'createSecret' })).rejects.toThrow(/SecretId, ClientRequestToken and Step/);
  });
});

describe('no secret value is ever logged', () => {
  test('neither log lines nor error messages carry a key or the rotation token', async () => {
    // GIVEN a full rotation, repeated steps, and failing steps, all with logging captured
    const secrets: string[] = [ORIGINAL, 'rotation-token-value'];
    const errors: string[] = [];
    const token = sm.startRotation();
    await handler(event('createSecret', token, { RotationToken: 'rotation-token-value' }));
    await rotate(token, 2);
    const second = sm.startRotation();
    await handler(event('createSecret', second));
    sm.versions.get(second)!.value = 'x'.repeat(10);
    secrets.push('x'.repeat(10));
    await handler(event('testSecret', second)).catch((e: Error) => errors.push(e.message));
    for (const v of sm.versions.values()) if (v.value) secrets.push(v.value);
    // THEN something was logged, and no logged line or error message contains a secret value
    expect(logged.length).toBeGreaterThan(0);
    expect(errors.length).toBe(1);
    for (const line of [...logged, ...errors]) {
      for (const secret of secrets) expect(line.includes(secret)).toBe(false);
    }
  });
});
