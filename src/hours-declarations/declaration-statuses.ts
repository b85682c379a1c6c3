import { EntityManager } from 'typeorm';

/** Which declarations to look at: all, those of marked schools and learners, or these. */
export type DeclarationScope =
  { all: true } | { all?: false; schoolIds: string[]; learnerIds: string[] } | { declarationIds: string[] };

/** A declaration with a live or confirmed flag is FLAGGED. */
const FLAGGING = `('OPEN','IN_REVIEW','CONFIRMED')`;

/**
 * The status transitions the checks and the review cause (hours-declarations owns them): RECEIVED/CHECKED/FLAGGED
 * declarations of the scope become FLAGGED while a live or confirmed flag is on them, else CHECKED. ACCEPTED and
 * REJECTED (DUO's decisions) are final.
 */
export async function refreshDeclarationStatuses(
  manager: EntityManager,
  scope: DeclarationScope,
): Promise<void> {
  const filter =
    'declarationIds' in scope
      ? { sql: 'd.id = ANY($1)', params: [scope.declarationIds] }
      : scope.all
        ? { sql: 'TRUE', params: [] }
        : {
            sql: 'd.school_id = ANY($1) OR d.learner_id = ANY($2)',
            params: [scope.schoolIds, scope.learnerIds],
          };
  await manager.query(
    `UPDATE hours_declarations d SET status = n.status
     FROM (SELECT d.id, CASE WHEN EXISTS (SELECT 1 FROM flags f WHERE f.subject_id = d.id AND f.subject_type = 'HOURS_DECLARATION'
                                           AND f.status IN ${FLAGGING}) THEN 'FLAGGED' ELSE 'CHECKED' END AS status
           FROM hours_declarations d
           WHERE d.status IN ('RECEIVED','CHECKED','FLAGGED') AND (${filter.sql})) n
     WHERE d.id = n.id AND d.status <> n.status`,
    filter.params,
  );
}
