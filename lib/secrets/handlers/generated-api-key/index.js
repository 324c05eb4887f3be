'use strict';
/**
 * Secrets Manager rotation function for generated API keys (agent-to-service keys that the
 * receiving service validates against Secrets Manager, accepting AWSCURRENT and AWSPREVIOUS).
 *
 * Shipped as plain CommonJS: the Lambda Node.js runtime provides @aws-sdk/client-secrets-manager.
 *
 * The four steps are idempotent: Secrets Manager may invoke any step more than once.
 *   createSecret  - put a new random key under the token, staged AWSPENDING (once)
 *   setSecret     - nothing to do: the services read the key from Secrets Manager
 *   testSecret    - read AWSPENDING back and check its shape
 *   finishSecret  - move AWSCURRENT to the token (Secrets Manager moves AWSPREVIOUS itself)
 *
 * Nothing secret is ever logged: log lines carry the step, the secret ARN and the version id only.
 */
const crypto = require('crypto');
const {
  SecretsManagerClient,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} = require('@aws-sdk/client-secrets-manager');

const PENDING = 'AWSPENDING';
const CURRENT = 'AWSCURRENT';
const DEFAULT_LENGTH = 64;
const MIN_LENGTH = 32;
const MAX_LENGTH = 4096;
/** The key alphabet: base64url, so a key is safe in headers, URLs and JSON without escaping. */
const KEY_SHAPE = /^[A-Za-z0-9_-]+$/;

let client;

/** The Secrets Manager client, created once per execution environment. */
function secretsManager() {
  if (!client) client = new SecretsManagerClient({});
  return client;
}

/** The configured key length (characters); validated so a bad deployment fails loudly. */
function keyLength() {
  const raw = process.env.KEY_LENGTH;
  if (raw === undefined || raw === '') return DEFAULT_LENGTH;
  const length = Number(raw);
  if (!Number.isInteger(length) || length < MIN_LENGTH || length > MAX_LENGTH) {
    throw new Error(`KEY_LENGTH must be a whole number between ${MIN_LENGTH} and ${MAX_LENGTH}`);
  }
  return length;
}

/** A new random key of `length` base64url characters (6 bits of entropy each). */
function generateKey(length) {
  return crypto
    .randomBytes(Math.ceil((length * 3) / 4) + 3)
    .toString('base64url')
    .slice(0, length);
}

/** Structured log line; callers pass only non-secret fields. */
function log(message, fields) {
  console.log(JSON.stringify({ message, ...fields }));
}

function isNotFound(error) {
  return (
    Boolean(error) &&
    (error.name === 'ResourceNotFoundException' || error.Code === 'ResourceNotFoundException')
  );
}

exports.handler = async function handler(event) {
  const arn = event && event.SecretId;
  const token = event && event.ClientRequestToken;
  const step = event && event.Step;
  if (typeof arn !== 'string' || typeof token !== 'string' || typeof step !== 'string') {
    throw new Error('event must carry SecretId, ClientRequestToken and Step strings');
  }
  const sm = secretsManager();

  const metadata = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
  if (!metadata.RotationEnabled) {
    throw new Error(`secret ${arn} is not enabled for rotation`);
  }
  const versions = metadata.VersionIdsToStages || {};
  const stages = versions[token];
  if (!stages) {
    throw new Error(`version ${token} has no stage for rotation of secret ${arn}`);
  }
  if (stages.includes(CURRENT)) {
    log('version is already AWSCURRENT; nothing to do', { step, arn, version: token });
    return;
  }
  if (!stages.includes(PENDING)) {
    throw new Error(`version ${token} is not staged AWSPENDING for rotation of secret ${arn}`);
  }

  switch (step) {
    case 'createSecret':
      return createSecret(sm, arn, token, event.RotationToken);
    case 'setSecret':
      return setSecret(arn, token);
    case 'testSecret':
      return testSecret(sm, arn, token);
    case 'finishSecret':
      return finishSecret(sm, arn, token, versions);
    default:
      throw new Error(`unknown rotation step ${JSON.stringify(step)}`);
  }
};

async function createSecret(sm, arn, token, rotationToken) {
  // Fails when the secret has no AWSCURRENT value, before anything is written.
  await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: CURRENT }));
  try {
    await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: PENDING }));
    log('createSecret: AWSPENDING value already exists; keeping it', { arn, version: token });
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const input = {
    SecretId: arn,
    ClientRequestToken: token,
    SecretString: generateKey(keyLength()),
    VersionStages: [PENDING],
  };
  if (typeof rotationToken === 'string' && rotationToken !== '') input.RotationToken = rotationToken;
  await sm.send(new PutSecretValueCommand(input));
  log('createSecret: new key stored as AWSPENDING', { arn, version: token });
}

async function setSecret(arn, token) {
  // The services that accept this key validate it against Secrets Manager (AWSCURRENT and
  // AWSPREVIOUS), so there is no external system to update.
  log('setSecret: nothing to set for a key validated against Secrets Manager', { arn, version: token });
}

async function testSecret(sm, arn, token) {
  const pending = await sm.send(
    new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: PENDING }),
  );
  const value = pending.SecretString;
  const length = keyLength();
  if (typeof value !== 'string' || value.length !== length || !KEY_SHAPE.test(value)) {
    throw new Error(
      `testSecret: AWSPENDING version ${token} of ${arn} is not a ${length}-character base64url key`,
    );
  }
  const current = await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: CURRENT }));
  if (current.SecretString === value) {
    throw new Error(`testSecret: AWSPENDING version ${token} of ${arn} repeats the AWSCURRENT key`);
  }
  log('testSecret: AWSPENDING key has the expected shape', { arn, version: token });
}

async function finishSecret(sm, arn, token, versions) {
  const current = Object.keys(versions).find((id) => versions[id].includes(CURRENT));
  if (current === token) {
    log('finishSecret: version is already AWSCURRENT', { arn, version: token });
    return;
  }
  const input = { SecretId: arn, VersionStage: CURRENT, MoveToVersionId: token };
  if (current !== undefined) input.RemoveFromVersionId = current;
  await sm.send(new UpdateSecretVersionStageCommand(input));
  log('finishSecret: AWSCURRENT moved to the new version', { arn, version: token, previous: current });
}
