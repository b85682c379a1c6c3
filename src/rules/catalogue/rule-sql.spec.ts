import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RULES } from './index';
import { renderedSql, snapshotPath, SnapshotKind } from './rule-sql-snapshots';

const RUN_THE_SCRIPT = 'run `npm run rules:sql` and review the SQL diff';

describe('the checked-in SQL of each rule', () => {
  for (const rule of RULES) {
    const rendered = renderedSql(rule);
    for (const kind of Object.keys(rendered) as SnapshotKind[]) {
      it(`${rule.code} ${kind} run matches ${snapshotPath(rule.code, kind).split('/').pop()}`, () => {
        const path = snapshotPath(rule.code, kind);
        if (!existsSync(path)) throw new Error(`${path} is missing: ${RUN_THE_SCRIPT}.`);
        if (readFileSync(path, 'utf8') !== rendered[kind])
          throw new Error(`The ${kind}-run SQL of ${rule.code} differs from ${path}: ${RUN_THE_SCRIPT}.`);
      });
    }
  }

  it('has no SQL file of a rule that is not in the catalogue', () => {
    const folder = dirname(snapshotPath(RULES[0].code, 'full'));
    const expected = new Set(
      RULES.flatMap((r) => [snapshotPath(r.code, 'full'), snapshotPath(r.code, 'scoped')]),
    );
    const stale = readdirSync(folder)
      .filter((name) => name.endsWith('.sql'))
      .filter((name) => !expected.has(`${folder}/${name}`));
    expect(stale).toEqual([]);
  });
});
