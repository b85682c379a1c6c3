/**
 * PRESENTED_DECLARATION_NOT_REGISTERED (src/rules/catalogue/presented-declaration-not-registered.rule.ts): a
 * declaration presented to DUO that no school's register holds. Plants: the stories of presented declarations
 * (DOMAIN.md), each by a learner DUO registers an exemption request for: a paper that matches the clean school's
 * register (no flag), one a school never registered, one of a school that closed (the withdrawn school, closed
 * after the summer of 2024), one of a KvK that is no registered school. None has a contract known at DUO, so each
 * unregistered one is also DECLARATION_WITHOUT_DUO_CONTRACT.
 */
import { declarationKey, DeclarationSpec, ExpectedFlag, PresentedSpec, SchoolSpec } from '../dataset';
import { SchoolBuilder, World } from '../background';
import { DatasetContext, defaultSeverity } from '../oracle-support';

const RULE = 'PRESENTED_DECLARATION_NOT_REGISTERED' as const;

/** The presented declarations with the flags they mean to raise. */
export function presentedDeclarations(
  world: World,
  schools: SchoolBuilder[],
): { presented: PresentedSpec[]; intended: ExpectedFlag[] } {
  const [clean, suspended, withdrawn] = schools;
  withdrawn.spec.closedOn = '2024-10-31';
  const [, registered] = clean.spec.declarations;
  const { learnerBsn: matchedBsn, ...matched } = registered;
  const paper = (schoolKvk: string, over: Partial<PresentedSpec['paper']> = {}): PresentedSpec['paper'] => ({
    schoolKvk,
    purpose: 'AGI',
    periodStart: '2024-01-01',
    periodEnd: '2024-06-27',
    hours: 120,
    issuedOn: '2024-07-10',
    ...over,
  });
  const presented: PresentedSpec[] = [
    { story: 'MATCHED', learnerBsn: matchedBsn, paper: { ...matched, schoolKvk: clean.kvk } },
    { story: 'NOT_REGISTERED', learnerBsn: world.bsn(), paper: paper(suspended.kvk) },
    { story: 'CLOSED_SCHOOL', learnerBsn: world.bsn(), paper: paper(withdrawn.kvk, { hours: 150 }) },
    {
      story: 'UNKNOWN_KVK',
      learnerBsn: world.bsn(),
      paper: paper(world.kvk(), { purpose: 'ONA', periodEnd: '2024-04-30', hours: 64 }),
    },
  ];
  const intended = presented
    .filter((p) => p.story !== 'MATCHED')
    .flatMap(({ story, learnerBsn, paper: { schoolKvk, ...declaration } }) => {
      const flag = {
        schoolKvk: story === 'UNKNOWN_KVK' ? null : schoolKvk,
        subjectType: 'HOURS_DECLARATION' as const,
        subjectKey: declarationKey(schoolKvk, { learnerBsn, ...declaration }),
        periodMatch: 'none' as const,
      };
      return [
        {
          ...flag,
          rule: RULE,
          severity: defaultSeverity(RULE),
          why: story,
        },
        {
          ...flag,
          rule: 'DECLARATION_WITHOUT_DUO_CONTRACT' as const,
          severity: defaultSeverity('DECLARATION_WITHOUT_DUO_CONTRACT'),
          why: `${story}: no contract at DUO nor at the school`,
        },
      ];
    });
  return { presented, intended };
}

/** Whether the school's register holds the paper: same learner, purpose, period, hours and issue date. */
export function registered(
  school: SchoolSpec | undefined,
  learnerBsn: string,
  paper: Omit<DeclarationSpec, 'learnerBsn'>,
): boolean {
  return !!school?.declarations.some(
    (d) =>
      d.learnerBsn === learnerBsn &&
      d.purpose === paper.purpose &&
      d.periodStart === paper.periodStart &&
      d.periodEnd === paper.periodEnd &&
      d.hours === paper.hours &&
      d.issuedOn === paper.issuedOn,
  );
}

/** A presented declaration the register does not hold. */
export function evaluatePresentedDeclarationNotRegistered(
  ctx: DatasetContext,
  school: SchoolSpec | undefined,
  base: { schoolKvk: string | null; subjectType: 'HOURS_DECLARATION'; subjectKey: string },
): void {
  ctx.raise({
    ...base,
    rule: RULE,
    severity: defaultSeverity(RULE),
    why: school
      ? "presented, not in the school's register"
      : 'presented in the name of a KvK that is no school',
  });
}
