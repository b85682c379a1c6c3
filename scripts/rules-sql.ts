/**
 * Writes each rule's rendered SQL next to its file (src/rules/catalogue/<rule>.full.sql and .scoped.sql), so a
 * change to a rule's statements shows in review as a diff of the SQL Postgres runs. `npm run rules:sql`;
 * src/rules/catalogue/rule-sql.spec.ts fails while a checked-in file differs from the rendering.
 */
import { readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RULES } from '../src/rules/catalogue';
import { renderedSql, snapshotPath, SnapshotKind } from '../src/rules/catalogue/rule-sql-snapshots';

const written = new Set<string>();
for (const rule of RULES) {
  const sql = renderedSql(rule);
  for (const kind of Object.keys(sql) as SnapshotKind[]) {
    const path = snapshotPath(rule.code, kind);
    writeFileSync(path, sql[kind]);
    written.add(path);
  }
}
// The files of a rule that is gone go with it.
const folder = dirname(snapshotPath(RULES[0].code, 'full'));
for (const name of readdirSync(folder).filter((n) => n.endsWith('.sql'))) {
  if (!written.has(join(folder, name))) unlinkSync(join(folder, name));
}
console.log(`${written.size} SQL files in ${folder}`);
