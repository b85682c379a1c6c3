import { EntityManager } from 'typeorm';
import { defaultParameters, RULES } from './index';

/**
 * The `rules` table from the catalogue, at every start after the migrations: a rule without a row gets one
 * (enabled, its default severity and parameters); the facts the catalogue owns (description, subject type,
 * default severity) follow it. What auditors change (enabled, severity, parameters) is left alone.
 */
export async function seedRules(manager: EntityManager): Promise<void> {
  const rows = RULES.map((rule) => ({
    code: rule.code,
    description: rule.description,
    subject_type: rule.subjectType,
    default_severity: rule.defaultSeverity,
    parameters: defaultParameters(rule.code),
  }));
  await manager.query(
    `INSERT INTO rules AS r (code, description, subject_type, default_severity, severity, enabled, parameters)
     SELECT c.code, c.description, c.subject_type, c.default_severity, c.default_severity, true, c.parameters
     FROM jsonb_to_recordset($1::jsonb) AS c(code text, description text, subject_type text, default_severity text, parameters jsonb)
     ON CONFLICT (code) DO UPDATE SET
       description = EXCLUDED.description, subject_type = EXCLUDED.subject_type, default_severity = EXCLUDED.default_severity
     WHERE (r.description, r.subject_type, r.default_severity)
           IS DISTINCT FROM (EXCLUDED.description, EXCLUDED.subject_type, EXCLUDED.default_severity)`,
    [JSON.stringify(rows)],
  );
}
