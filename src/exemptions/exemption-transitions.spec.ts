import { EXEMPTION_STATUSES } from './exemption.entity';
import { exemptionTransition } from './exemption-transitions';
import { blockerReasons, DeclarationStanding, route } from './exemption-workflow.service';
import { EXEMPTION_ACTIONS } from './exemptions.dto';

describe(exemptionTransition.name, () => {
  // Every action from every status: the status it leads to, '-' where it may not be taken.
  const table: Record<string, Record<string, string>> = {
    AWAITING_SCHOOL: { REQUEST_LEARNER_EVIDENCE: 'AWAITING_LEARNER_EVIDENCE' },
    AWAITING_LEARNER_EVIDENCE: { RECORD_LEARNER_EVIDENCE: 'READY_FOR_DECISION' },
    READY_FOR_DECISION: {
      REQUEST_LEARNER_EVIDENCE: 'AWAITING_LEARNER_EVIDENCE',
      ANNOUNCE_INTENDED_REFUSAL: 'INTENDED_REFUSAL',
      GRANT: 'GRANTED',
      REFUSE: 'REFUSED',
    },
    INTENDED_REFUSAL: { GRANT: 'GRANTED', REFUSE: 'REFUSED' },
  };

  for (const status of EXEMPTION_STATUSES)
    for (const action of EXEMPTION_ACTIONS) {
      const expected = table[status]?.[action] ?? null;
      it(`${action} from ${status}: ${expected ?? 'not allowed'}`, () => {
        expect(exemptionTransition(status, action, true)).toBe(expected);
      });
    }

  it('leads unverified learner evidence to an intended refusal', () => {
    expect(exemptionTransition('AWAITING_LEARNER_EVIDENCE', 'RECORD_LEARNER_EVIDENCE', false)).toBe(
      'INTENDED_REFUSAL',
    );
  });
});

describe(route.name, () => {
  const standing = (over: Partial<DeclarationStanding>): DeclarationStanding => ({
    declaration_id: 'd1',
    school_id: 's1',
    backed: true,
    registered: true,
    school_gone: false,
    open_high_flag: false,
    ...over,
  });

  it('is ready for decision when nothing is to be asked', () => {
    expect(route([standing({})])).toEqual({ status: 'READY_FOR_DECISION' });
  });

  it('asks each school about its declarations without a contract at DUO or not in its register', () => {
    const next = route([
      standing({ declaration_id: 'd1', backed: false }),
      standing({ declaration_id: 'd2', registered: false }),
      standing({ declaration_id: 'd3', school_id: 's2', backed: false }),
      standing({ declaration_id: 'd4' }),
    ]);
    expect(next).toEqual({
      status: 'AWAITING_SCHOOL',
      declarationsBySchool: new Map([
        ['s1', ['d1', 'd2']],
        ['s2', ['d3']],
      ]),
    });
  });

  it('goes to the learner for an open HIGH flag first, and for a school that is gone', () => {
    expect(route([standing({ backed: false }), standing({ open_high_flag: true })])).toEqual({
      status: 'AWAITING_LEARNER_EVIDENCE',
      reason: blockerReasons({ openHighFlag: true }),
    });
    expect(route([standing({ backed: false, school_gone: true })])).toMatchObject({
      status: 'AWAITING_LEARNER_EVIDENCE',
    });
  });
});
