import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_CODES } from '../../common/vocabulary';
import { CATALOGUE, defaultParameters, RULES, withDefaults } from './index';
import { ruleFileStem } from './rule-sql-snapshots';

describe('the rule catalogue', () => {
  it('has one rule per code, in the vocabulary order, each in the file named after it', () => {
    expect(RULES.map((rule) => rule.code)).toEqual([...RULE_CODES]);
    for (const code of RULE_CODES) {
      expect(CATALOGUE[code].code).toBe(code);
      expect(existsSync(join(__dirname, `${ruleFileStem(code)}.rule.ts`))).toBe(true);
    }
  });

  it('gives every parameter a default its own type accepts', () => {
    for (const rule of RULES)
      for (const [key, spec] of Object.entries(rule.parameters))
        expect([rule.code, key, spec.type.validate(spec.default)]).toEqual([rule.code, key, null]);
  });
});

describe(withDefaults.name, () => {
  it('applies the defaults to what is missing or no longer valid, and drops unknown keys', () => {
    expect(
      withDefaults('CERTIFIED_LESSON_SHARE_BELOW_NORM', { norm: 0.7, minimumLessons: -1, stale: 1 }),
    ).toEqual({
      norm: 0.7,
      minimumLessons: 20,
    });
    expect(withDefaults('INVOICE_AMOUNT_MISMATCH', null)).toEqual({ toleranceCents: 0 });
  });

  it('keeps the default maximum of a route the stored routeMaxima leaves out', () => {
    expect(withDefaults('GROUP_SIZE_EXCEEDED', { routeMaxima: { B1: 10 } }).routeMaxima).toEqual({
      B1: 10,
      Z: 16,
      ALFA: 12,
      ONDERWIJS: 16,
      WI2013: 16,
    });
  });

  it('hands out copies: changing a result leaves the defaults alone', () => {
    defaultParameters('GROUP_SIZE_EXCEEDED').routeMaxima.ALFA = 99;
    expect(defaultParameters('GROUP_SIZE_EXCEEDED').routeMaxima.ALFA).toBe(12);
  });
});
