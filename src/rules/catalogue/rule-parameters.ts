import { EntityManager } from 'typeorm';
import { RuleCode } from '../../common/vocabulary';
import { RuleParameters, withDefaults } from './index';

/**
 * The one reader of a rule's parameters outside the checks: the `rules` row's parameters with the catalogue's
 * defaults applied (routes, reports, exemptions and the group API all ask here).
 */
export async function ruleParameters<C extends RuleCode>(
  manager: EntityManager,
  code: C,
): Promise<RuleParameters<C>> {
  const rows: { parameters: Record<string, unknown> | null }[] = await manager.query(
    `SELECT parameters FROM rules WHERE code = $1`,
    [code],
  );
  return withDefaults(code, rows[0]?.parameters);
}
