import { NotFoundProblem, ValidationProblem } from '../common/errors/problems';
import { mergeParameters, validChange } from './rule-change';

describe(mergeParameters.name, () => {
  it('merges an object parameter (routeMaxima) key by key and replaces the rest', () => {
    const current = { routeMaxima: { B1: 16, ALFA: 12 }, toleranceHours: 0 };
    expect(mergeParameters(current, { routeMaxima: { ALFA: 10 }, toleranceHours: 2 })).toEqual({
      routeMaxima: { B1: 16, ALFA: 10 },
      toleranceHours: 2,
    });
    expect(current.routeMaxima.ALFA).toBe(12);
  });

  it('adds a parameter the stored ones lack', () => {
    expect(mergeParameters({}, { capCents: 100 })).toEqual({ capCents: 100 });
  });
});

describe(validChange.name, () => {
  const invalid = (code: string, parameters: Record<string, unknown>) => {
    try {
      validChange(code, { parameters });
    } catch (error) {
      if (error instanceof ValidationProblem) return error.invalidParams;
      throw error;
    }
    return [];
  };

  it('answers the rule code of a change that fits', () => {
    expect(validChange('GROUP_SIZE_EXCEEDED', { parameters: { routeMaxima: { ALFA: 10 } } })).toBe(
      'GROUP_SIZE_EXCEEDED',
    );
    expect(validChange('LOAN_LIMIT_EXCEEDED', { enabled: false })).toBe('LOAN_LIMIT_EXCEEDED');
  });

  it('refuses an unknown rule as not found', () => {
    expect(() => validChange('NO_SUCH_RULE', {})).toThrow(NotFoundProblem);
  });

  it('refuses a parameter the rule does not have, also an inherited name', () => {
    expect(invalid('LOAN_LIMIT_EXCEEDED', { capCents: 1 })).toEqual([
      { name: 'parameters.capCents', reason: 'is not a parameter of LOAN_LIMIT_EXCEEDED' },
    ]);
    expect(invalid('QUARTERLY_CAP_EXCEEDED', { constructor: 1, toString: 1 })).toHaveLength(2);
  });

  it('names every wrong value with its reason', () => {
    expect(invalid('CERTIFIED_LESSON_SHARE_BELOW_NORM', { norm: 1.5, minimumLessons: 2.5 })).toEqual([
      { name: 'parameters.norm', reason: 'norm must be a number from 0 to 1' },
      { name: 'parameters.minimumLessons', reason: 'minimumLessons must be an integer from 1 to 1000000' },
    ]);
    expect(invalid('GROUP_SIZE_EXCEEDED', { routeMaxima: { MARS: 3 } })).toEqual([
      { name: 'parameters.routeMaxima', reason: 'routeMaxima has an unknown route MARS' },
    ]);
    expect(invalid('GROUP_SIZE_EXCEEDED', { routeMaxima: { ALFA: 0 } })).toEqual([
      { name: 'parameters.routeMaxima', reason: 'routeMaxima ALFA must be an integer from 1 to 100' },
    ]);
    expect(invalid('RESULTS_BELOW_REGISTERED_HOURS', { expectedLevel: 'C1' })).toEqual([
      { name: 'parameters.expectedLevel', reason: 'expectedLevel must be one of BELOW_A1, A1, A2, B1, B2' },
    ]);
  });
});
