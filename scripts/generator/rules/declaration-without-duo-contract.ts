/**
 * DECLARATION_WITHOUT_DUO_CONTRACT (src/rules/catalogue/declaration-without-duo-contract.rule.ts): an hours
 * declaration (registered or presented) whose learner and school no DUO payment names. Plants: honest declarations
 * of a municipally funded or self-paying learner (LOW), of a loan course DUO never paid on (MEDIUM), and a forged
 * declaration for someone who never set foot in the school (HIGH, with the hours rules it also breaks).
 */
import { Day, Period } from '../calendar';
import { ContractSpec, declarationKey, DeclarationSpec, Funding, Severity } from '../dataset';
import { Group, LESSONS_TO, Learner, SchoolBuilder, WINDOW } from '../background';
import { defaultSeverity, overlaps, SchoolContext } from '../oracle-support';

const RULE = 'DECLARATION_WITHOUT_DUO_CONTRACT' as const;

/**
 * The severity (DOMAIN.md "Contracts known at DUO") by the school's contracts with the learner overlapping the
 * period: none the configured severity (HIGH), a DUO_LOAN one at most MEDIUM, all SELF or MUNICIPALITY LOW.
 */
function severityFor(contracts: 'none' | 'a loan' | 'none from a loan'): Severity {
  const configured = defaultSeverity(RULE);
  if (contracts === 'none') return configured;
  return contracts === 'a loan' ? (configured === 'HIGH' ? 'MEDIUM' : configured) : 'LOW';
}

/** The severity from the school's contracts with the learner overlapping the period. */
export function withoutDuoContractSeverity(contracts: ContractSpec[], period: Period): Severity {
  const overlapping = contracts.filter((c) => overlaps({ from: c.startDate, to: c.endDate }, period));
  if (overlapping.length === 0) return severityFor('none');
  return severityFor(overlapping.some((c) => c.funding === 'DUO_LOAN') ? 'a loan' : 'none from a loan');
}

// --- plants ---------------------------------------------------------------------------------------

/** A learner staying to the end whose course is not paid from a DUO loan (before the lessons are scheduled). */
export const takeLearnerNotOnALoan = (
  school: SchoolBuilder,
  group: Group,
  funding: Exclude<Funding, 'DUO_LOAN'>,
) => school.take(group, (l) => l.leaveOn >= LESSONS_TO, funding);

/** That learner's honest declaration: DUO cannot know the contract, LOW. */
export function plantDeclarationNotOnALoan(school: SchoolBuilder, learner: Learner, why: string): void {
  const noDuo = school.declare(learner);
  school.expect({
    rule: RULE,
    severity: severityFor('none from a loan'),
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, noDuo),
    why,
  });
}

/** A loan course DUO does not know (it never paid the invoices): MEDIUM. */
export function plantUnpaidLoanDeclaration(school: SchoolBuilder, group: Group): void {
  const unpaid = school.take(group, (l) => school.attended(l.bsn, WINDOW.from, WINDOW.to) > 0);
  for (let i = school.payments.length - 1; i >= 0; i--)
    if (school.payments[i].bsn === unpaid.bsn) school.payments.splice(i, 1);
  const loanNoDuo = school.declare(unpaid);
  school.expect({
    rule: RULE,
    severity: severityFor('a loan'),
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, loanNoDuo),
    why: 'DUO_LOAN contract DUO never paid on: not known at DUO',
  });
}

/**
 * A declaration for someone who never set foot in the school: no contract (HIGH), and its hours exceed both the
 * attendance (DECLARED_HOURS_EXCEED_ATTENDANCE) and the contracted hours (DECLARED_HOURS_EXCEED_CONTRACT).
 */
export function plantForgedDeclaration(school: SchoolBuilder): void {
  const stranger = school.world.bsn();
  const forged: DeclarationSpec = {
    learnerBsn: stranger,
    purpose: 'AGI',
    periodStart: '2023-09-01',
    periodEnd: '2024-08-31',
    hours: 180,
    issuedOn: '2024-09-10',
  };
  school.spec.declarations.push(forged);
  const key = declarationKey(school.kvk, forged);
  school.expect({
    rule: RULE,
    severity: severityFor('none'),
    subjectType: 'HOURS_DECLARATION',
    subjectKey: key,
    why: 'no contract at DUO nor at the school',
  });
  school.expect({
    rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE',
    severity: defaultSeverity('DECLARED_HOURS_EXCEED_ATTENDANCE'),
    subjectType: 'HOURS_DECLARATION',
    subjectKey: key,
    why: 'never attended',
  });
  school.expect({
    rule: 'DECLARED_HOURS_EXCEED_CONTRACT',
    severity: defaultSeverity('DECLARED_HOURS_EXCEED_CONTRACT'),
    subjectType: 'HOURS_DECLARATION',
    subjectKey: key,
    why: 'no contract',
  });
}

// --- oracle ---------------------------------------------------------------------------------------

type DeclarationBase = { schoolKvk: string | null; subjectType: 'HOURS_DECLARATION'; subjectKey: string };

/** A registered declaration. */
export function evaluateDeclarationWithoutDuoContract(
  ctx: SchoolContext,
  d: DeclarationSpec,
  base: DeclarationBase,
): void {
  if (!ctx.paidLearnerSchools.has(`${ctx.kvk}|${d.learnerBsn}`)) {
    ctx.raise({
      ...base,
      rule: RULE,
      severity: withoutDuoContractSeverity(ctx.contractsOf(d.learnerBsn), {
        from: d.periodStart,
        to: d.periodEnd,
      }),
      why: 'no DUO payment names this learner and school',
    });
  }
}

/** A presented declaration the register does not hold, in the name of `kvk` (a school's, or not). */
export function evaluatePresentedWithoutDuoContract(
  ctx: Pick<SchoolContext, 'paidLearnerSchools' | 'raise'>,
  presented: { kvk: string; learnerBsn: string; contracts: ContractSpec[]; period: { from: Day; to: Day } },
  base: DeclarationBase,
): void {
  if (!ctx.paidLearnerSchools.has(`${presented.kvk}|${presented.learnerBsn}`))
    ctx.raise({
      ...base,
      rule: RULE,
      severity: withoutDuoContractSeverity(
        presented.contracts.filter((c) => c.learnerBsn === presented.learnerBsn),
        presented.period,
      ),
      why: 'presented; no DUO payment names this learner and school',
    });
}
