import { join } from 'node:path';
import { RuleCode } from '../../common/vocabulary';
import { FULL_RUN, RuleDefinition, scopedRun } from './rule-definition';

/** The file stem of a rule's files: GROUP_SIZE_EXCEEDED is group-size-exceeded(.rule.ts, .full.sql, .scoped.sql). */
export const ruleFileStem = (code: RuleCode): string => code.toLowerCase().replaceAll('_', '-');

export type SnapshotKind = 'full' | 'scoped';

export const snapshotPath = (code: RuleCode, kind: SnapshotKind): string =>
  join(__dirname, `${ruleFileStem(code)}.${kind}.sql`);

const header = (rule: RuleDefinition, what: string): string =>
  `-- ${rule.code}: ${what}\n-- Rendered from ${ruleFileStem(rule.code)}.rule.ts by \`npm run rules:sql\`; do not edit.\n`;

/**
 * A rule's statements as Postgres receives them, for review: the full run (the fired statement over everything)
 * and the scoped run (the candidates statement that fills check_scope, then the fired statement limited to it).
 */
export function renderedSql(rule: RuleDefinition): Record<SnapshotKind, string> {
  return {
    full:
      header(rule, 'the fired statement of a full run ($1 parameters jsonb, $2 configured severity).') +
      `${rule.fired(FULL_RUN).trim()};\n`,
    scoped:
      header(
        rule,
        'a scoped run. First the candidates ($1 marked school ids uuid[], $2 marked learner ids uuid[]),\n' +
          '-- which the check engine puts in check_scope; then the fired statement limited to them.',
      ) +
      `\n-- candidates\n${rule.candidates.trim()};\n\n-- fired\n${rule.fired(scopedRun(rule.code)).trim()};\n`,
  };
}
