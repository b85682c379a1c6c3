import { Flag } from './flag.entity';
import { redactEvidence } from './flags.service';

describe(redactEvidence.name, () => {
  const SCHOOL = 'school-a';
  const evidence = {
    records: [
      { type: 'LESSON', id: 'l1', schoolId: SCHOOL },
      { type: 'LESSON', id: 'l2', schoolId: 'school-b' },
      { type: 'DUO_PAYMENT', id: 'p1', schoolId: null },
    ],
    attendees: 18,
  } as unknown as Flag['evidence'];

  it("keeps only the school's own records and counts the others", () => {
    expect(redactEvidence(evidence, SCHOOL)).toEqual({
      records: [{ type: 'LESSON', id: 'l1', schoolId: SCHOOL }],
      redactedRecords: 2,
      attendees: 18,
    });
  });

  it('redacts every record for a user of no school', () => {
    expect(redactEvidence(evidence, null)).toMatchObject({ records: [{ id: 'p1' }], redactedRecords: 2 });
  });

  it('copes with evidence without records', () => {
    expect(redactEvidence({} as Flag['evidence'], SCHOOL)).toEqual({ records: [], redactedRecords: 0 });
  });
});
