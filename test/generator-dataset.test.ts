import { readdirSync } from 'fs';
import { join } from 'path';
import { generateDataset } from '../scripts/generator/generate-dataset';
import { evaluateRules } from '../scripts/generator/oracle';
import { flagIdentity, RULE_CODES } from '../scripts/generator/dataset';
import { isValidBsn } from '../src/common/bsn/bsn';

describe('Data generator', () => {
  it('gives the same data set for the same seed, and another for another seed', () => {
    const a = generateDataset({ scale: 'small', seed: 11 });
    const b = generateDataset({ scale: 'small', seed: 11 });
    const c = generateDataset({ scale: 'small', seed: 12 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it.each([1, 2, 3])(
    'plants every rule of the catalogue, and its truth is exactly what the rules imply (seed %i)',
    (seed) => {
      const dataset = generateDataset({ scale: 'small', seed });
      expect(new Set(dataset.expectedFlags.map((f) => f.rule))).toEqual(new Set(RULE_CODES));
      const implied = new Set(evaluateRules(dataset).map(flagIdentity));
      expect(new Set(dataset.expectedFlags.map(flagIdentity))).toEqual(implied);
    },
  );

  it('plants at national scale too, with a truth the rules imply', () => {
    const dataset = generateDataset({ scale: 'national', seed: 6, schools: 12 });
    expect(dataset.schools).toHaveLength(12);
    const implied = new Set(evaluateRules(dataset).map(flagIdentity));
    expect(new Set(dataset.expectedFlags.map(flagIdentity))).toEqual(implied);
    expect(dataset.schools.filter((s) => s.profile === 'clean').length).toBeGreaterThanOrEqual(1);
  });

  it('keeps one school free of any flag', () => {
    const dataset = generateDataset({ scale: 'small', seed: 5 });
    const clean = dataset.schools.filter((s) => s.profile === 'clean');
    expect(clean.length).toBe(1);
    expect(dataset.expectedFlags.filter((f) => f.schoolKvk === clean[0].kvkNumber)).toEqual([]);
    expect(clean[0].lessons.length).toBeGreaterThan(100);
  });

  it('uses valid, distinct BSNs and KvK numbers', () => {
    const dataset = generateDataset({ scale: 'small', seed: 8 });
    const bsns = new Set(dataset.schools.flatMap((s) => s.lessons.flatMap((l) => l.attendeeBsns)));
    expect([...bsns].every(isValidBsn)).toBe(true);
    const kvks = dataset.schools.map((s) => s.kvkNumber);
    expect(new Set(kvks).size).toBe(kvks.length);
  });

  it('detects an unplanned flag: the rule evaluation sees a planted overlap the truth would not list', () => {
    const dataset = generateDataset({ scale: 'small', seed: 4 });
    const school = dataset.schools.find((s) => s.profile === 'clean');
    const [first] = school?.lessons ?? [];
    school?.lessons.push({
      ...first,
      groupCode: school.groups[1].code,
      attendeeBsns: [first.attendeeBsns[0]],
    });
    const rules = new Set(evaluateRules(dataset).map((f) => f.rule));
    expect(rules.has('TEACHER_DOUBLE_BOOKED')).toBe(true);
    expect(rules.has('LEARNER_DOUBLE_BOOKED')).toBe(true);
  });

  it("keeps each rule's plants and evaluation in a file named like the rule's in the catalogue", () => {
    const names = (dir: string, suffix: string) =>
      readdirSync(join(__dirname, '..', dir))
        .filter((f) => f.endsWith(suffix))
        .map((f) => f.slice(0, -suffix.length))
        .sort();
    const catalogue = names('src/rules/catalogue', '.rule.ts');
    expect(catalogue).toHaveLength(RULE_CODES.length);
    expect(names('scripts/generator/rules', '.ts')).toEqual(catalogue);
  });
});
