import { IAMClient } from '@aws-sdk/client-iam';
import { Readable } from 'stream';
import { runReviewCli } from '../../lib/review';
import { NOW, recordingSleep } from './fixtures';

// No aws-sdk-client-mock here: this file drives the real SDK middleware stack (signing, retry,
// XML parsing) with a fake HTTP handler, to prove the CLI's client settings retry throttling on the wire.

const THROTTLED =
  '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>' +
  '<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>';
const NO_ROLES =
  '<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolesResult>' +
  '<IsTruncated>false</IsTruncated><Roles/></ListRolesResult>' +
  '<ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></ListRolesResponse>';

function xml(status: number, body: string) {
  return {
    response: {
      statusCode: status,
      headers: { 'content-type': 'text/xml' },
      body: Readable.from([Buffer.from(body)]),
    },
  };
}

test('the SDK client the CLI builds retries a Throttling answer by itself', async () => {
  // GIVEN an HTTP layer that throttles the first request and then answers
  const requests: string[] = [];
  const requestHandler = {
    handle: async (request: { body?: string }) => {
      requests.push(String(request.body));
      return requests.length === 1 ? xml(400, THROTTLED) : xml(200, NO_ROLES);
    },
  };
  const { sleep, waits } = recordingSleep();
  let out = '';

  // WHEN the CLI runs with its own retry settings on that HTTP layer
  const code = await runReviewCli(['--format', 'json', '--region', 'us-east-1'], {
    createClient: (settings) =>
      new IAMClient({
        ...settings,
        credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'test-only' },
        requestHandler,
      }),
    now: () => NOW,
    sleep,
    stdout: (t) => void (out += t),
    stderr: () => undefined,
  });

  // THEN the SDK sent ListRoles twice, our own backoff was not needed, and the report was written
  expect(code).toBe(0);
  expect(requests).toHaveLength(2);
  expect(requests.every((b) => b.includes('Action=ListRoles'))).toBe(true);
  expect(waits).toEqual([]);
  expect(JSON.parse(out).rolesScanned).toBe(0);
});
