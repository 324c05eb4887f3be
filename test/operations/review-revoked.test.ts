import { IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { formatReview, reviewAgentRoles } from '../../lib/review';
import { fakeAccount, newClient, NOW, recordingSleep, role } from '../review/fixtures';

const iam = mockClient(IAMClient);
beforeEach(() => iam.reset());

test('the live access review shows which agents are revoked, when and why', async () => {
  // GIVEN one revoked agent (as agent-identity revoke leaves it) and one that is not
  fakeAccount(iam, {
    pages: [['triage-role', 'billing-role']],
    roles: {
      'triage-role': role(
        'triage-role',
        {
          'ai:agent': 'triage',
          'ai:revoked': '2026-03-31T10:00:01Z',
          'ai:revoked-reason': 'prompt injection INC-42',
        },
        1,
      ),
      'billing-role': role('billing-role', { 'ai:agent': 'billing' }, 1),
    },
  });
  // WHEN the account is reviewed
  const report = await reviewAgentRoles(newClient(), { now: () => NOW, sleep: recordingSleep().sleep });
  // THEN the revoked agent carries its revocation, the other none
  const byName = Object.fromEntries(report.agents.map((a) => [a.agentName, a]));
  expect(byName.triage).toMatchObject({
    revokedAt: '2026-03-31T10:00:01Z',
    revocationReason: 'prompt injection INC-42',
  });
  expect(byName.billing.revokedAt).toBeUndefined();
  const md = formatReview(report, 'md');
  expect(md).toContain('## Revoked agents');
  expect(md).toContain('| triage | triage-role | 2026-03-31T10:00:01Z | prompt injection INC-42 |');
  expect(md).not.toMatch(/\| billing \| billing-role \| 20/);
});
