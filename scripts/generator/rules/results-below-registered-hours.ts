/**
 * RESULTS_BELOW_REGISTERED_HOURS (src/rules/catalogue/results-below-registered-hours.rule.ts): a declaration of at
 * least minimumHours followed, within windowMonths, by exam results below the expected level on at least
 * minimumComponents components. Plant: just over minimumHours declared, and six weeks later exams below A2 on
 * three of the four components (background.ts draws the near misses).
 */
import { addDays } from '../calendar';
import { declarationKey, DeclarationSpec } from '../dataset';
import { examSitting, Group, LESSONS_TO, SchoolBuilder } from '../background';
import { componentsBelow, defaultSeverity, examWindow, RESULTS_RULE, SchoolContext } from '../oracle-support';

const RULE = 'RESULTS_BELOW_REGISTERED_HOURS' as const;

/** The period ends on the day the attendance reached minimumHours. */
export function plantWeakResults(school: SchoolBuilder, group: Group): void {
  const weak = school.take(group, (l) => l.leaveOn >= LESSONS_TO);
  const from = school.contractOf(weak).startDate;
  const reached = school.attendance.dayReaching(weak.bsn, from, RESULTS_RULE.minimumHours);
  if (!reached) throw new Error(`no learner of ${school.kvk} reaches ${RESULTS_RULE.minimumHours} hours`);
  const weakDeclaration = school.declare(weak, { periodStart: from, periodEnd: reached });
  school.examResults.push(...examSitting(weak.bsn, addDays(reached, 45), ['A1', 'A1', 'BELOW_A1', 'A2']));
  school.expect({
    rule: RULE,
    severity: defaultSeverity(RULE),
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, weakDeclaration),
    why: `${weakDeclaration.hours} hours declared, exams below A2 on three components six weeks later`,
  });
}

export function evaluateResultsBelowRegisteredHours(
  ctx: SchoolContext,
  d: DeclarationSpec,
  base: { schoolKvk: string; subjectType: 'HOURS_DECLARATION'; subjectKey: string },
): void {
  const below = componentsBelow(ctx.examResultsOf.get(d.learnerBsn) ?? [], examWindow(d.periodEnd));
  if (d.hours >= RESULTS_RULE.minimumHours && below >= RESULTS_RULE.minimumComponents)
    ctx.raise({
      ...base,
      rule: RULE,
      severity: defaultSeverity(RULE),
      why: `declared ${d.hours} h; below ${RESULTS_RULE.expectedLevel} on ${below} components soon after`,
    });
}
