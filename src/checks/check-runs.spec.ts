import { longestFirst } from './check-runs.service';

describe('longestFirst', () => {
  it('queues the units longest first by their last duration', () => {
    const durations = new Map([
      ['rule-A', 100],
      ['rule-B', 3000],
      ['attendance', 7000],
      ['rule-C', 450],
    ]);
    expect(longestFirst(['attendance', 'rule-A', 'rule-B', 'rule-C'], durations)).toEqual([
      'attendance',
      'rule-B',
      'rule-C',
      'rule-A',
    ]);
  });

  it('puts a unit never measured first, and keeps the given order among those', () => {
    const durations = new Map([['rule-A', 100]]);
    expect(longestFirst(['rule-A', 'rule-B', 'attendance'], durations)).toEqual([
      'rule-B',
      'attendance',
      'rule-A',
    ]);
  });

  it('leaves the given list as it was', () => {
    const units = ['rule-A', 'rule-B'];
    longestFirst(units, new Map([['rule-B', 5]]));
    expect(units).toEqual(['rule-A', 'rule-B']);
  });
});
