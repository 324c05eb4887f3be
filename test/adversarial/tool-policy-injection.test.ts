import { ToolCaller, ToolCondition } from '../../lib';

// An attacker who controls a value that ends up in a tool grant (a branch name read from a
// ticket, a client id from a registry) tries to close the Cedar string literal and add policy
// text of their own, e.g. `" || true || "`. Every value is refused, not escaped.
describe('attacker: values cannot add Cedar of their own', () => {
  test.each([
    ['a condition value', () => ToolCondition.inputEquals('branch', 'x" || true || "')],
    [
      'a set member',
      () => ToolCondition.inputIn('branch', ['main', 'a"; permit(principal, action, resource);']),
    ],
    ['a JWT subject', () => ToolCaller.jwtSubject('a" || principal.id like "*')],
    ['a claim value', () => ToolCaller.jwtClaim('role', 'x\\')],
    ['a claim name', () => ToolCondition.claimEquals('a") || true || ("', 'x')],
    ['an input name', () => ToolCondition.inputEquals('a || true', 'x')],
  ])('%s with a quote or backslash is refused', (_what, make) => {
    expect(make).toThrow(/must be/);
  });
});
