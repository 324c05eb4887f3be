import { DataAccess } from '../../lib';

describe('DataAccess', () => {
  test.each([
    [DataAccess.READ, true, false, false],
    [DataAccess.WRITE, false, true, false],
    [DataAccess.READ_WRITE, true, true, false],
    [DataAccess.DELETE, false, false, true],
  ])('%p reads=%p writes=%p deletes=%p', (access, reads, writes, deletes) => {
    // GIVEN a level  WHEN inspected  THEN reads never imply writes and writes never imply deletes
    expect([access.reads, access.writes, access.deletes]).toEqual([reads, writes, deletes]);
  });

  test('fromLevel finds a level by name and refuses others', () => {
    expect(DataAccess.fromLevel('READ_WRITE')).toBe(DataAccess.READ_WRITE);
    expect(() => DataAccess.fromLevel('FULL')).toThrow(/unknown data access level "FULL"/);
  });
});
