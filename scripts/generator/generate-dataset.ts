/**
 * Builds a plausible country of language schools from a seed: keurmerk histories, teachers, groups
 * with weekly timetables and realistic attendance (absences, drop-outs), contracts, quarterly
 * invoices, DUO loan accounts and payments, hours declarations and exemption requests. Into the
 * strictly clean background (background.ts) it plants each irregularity of the rule catalogue, minimal
 * and isolated, the way fraud looks, and records the flags each plant means to raise. Each rule's plants
 * sit in rules/, in a file named like the rule's in src/rules/catalogue, beside its in-memory evaluation;
 * the profiles below compose them into the story schools. The evaluation of the rules (oracle.ts) must find
 * exactly the planted flags, or generation fails.
 *
 * The random stream is sequential: a profile's steps run in a fixed order, and moving one moves every draw after.
 */
import { Dataset, ExpectedFlag, flagIdentity, Scale } from './dataset';
import {
  backgroundExamResults,
  exemptionRequests,
  loanAccounts,
  LESSONS_TO,
  Profile,
  SchoolBuilder,
  WINDOW,
  World,
} from './background';
import { evaluateRules } from './oracle';
import { plantAttendanceAfterContract } from './rules/attendance-without-contract';
import { expectShareBelowNormIn2024, uncertifiedTakeover } from './rules/certified-lesson-share-below-norm';
import { plantDeclarationAfterWithdrawal } from './rules/declaration-outside-keurmerk';
import {
  plantDeclarationNotOnALoan,
  plantForgedDeclaration,
  plantUnpaidLoanDeclaration,
  takeLearnerNotOnALoan,
} from './rules/declaration-without-duo-contract';
import { plantInflatedDeclaration } from './rules/declared-hours-exceed-attendance';
import {
  plantDeclarationBeyondContract,
  takeLearnerOnASmallContract,
} from './rules/declared-hours-exceed-contract';
import { overfill } from './rules/group-size-exceeded';
import { plantOverpaidInvoice } from './rules/invoice-amount-mismatch';
import { plantInvoiceBeyondContract, takeLearnerCrossingTheContract } from './rules/invoice-exceeds-contract';
import {
  expectInvoicesDuringSuspension,
  plantInvoiceAfterWithdrawal,
  takeLearnerContractedBeyondWithdrawal,
} from './rules/invoice-outside-keurmerk';
import {
  plantInvoiceAfterDropout,
  plantPaddedInvoice,
  takeDropout,
} from './rules/invoiced-hours-exceed-attendance';
import { plantPhantom } from './rules/learner-double-booked';
import { expectLoanLimitExceeded, takeLearnerOnASmallLoan } from './rules/loan-limit-exceeded';
import { plantPaymentWithoutInvoice } from './rules/payment-without-invoice';
import { presentedDeclarations } from './rules/presented-declaration-not-registered';
import { plantPaymentsInOneQuarter } from './rules/quarterly-cap-exceeded';
import { plantWeakResults } from './rules/results-below-registered-hours';
import { plantTeacherInTwoPlaces } from './rules/teacher-double-booked';

export { WINDOW };

// --- school profiles ---------------------------------------------------------------------------

/** Certified teachers only, granted for years, remote e-learning and online lessons: raises no flag. */
const cleanSchool =
  (extraGroups: number): Profile =>
  (world) => {
    const school = new SchoolBuilder(world, world.schoolName(), 'clean').keurmerk(
      'GRANTED',
      `${world.rng.int(2015, 2019)}-03-01`,
      'audit passed',
    );
    const morning = school.teacher();
    const evening = school.teacher();
    // One teacher teaches morning and afternoon back to back: not an overlap.
    const b1 = school.group({ route: 'B1', slot: 'morning', teacherOn: () => morning, remote: true });
    school.group({ route: 'Z', slot: 'afternoon', teacherOn: () => morning });
    school.group({ route: 'ALFA', slot: 'evening', teacherOn: () => evening });
    for (let i = 0; i < extraGroups; i++) {
      const teacher = school.teacher();
      school.group({
        route: world.rng.pick(['B1', 'Z', 'ONDERWIJS', 'WI2013'] as const),
        slot: world.rng.pick(['morning', 'afternoon', 'evening'] as const),
        teacherOn: () => teacher,
        size: 12,
      });
    }
    // A diligent learner who completes 600+ hours: the exemption granted in the demo.
    const diligent = school.take(b1);
    diligent.attendance = 1;
    diligent.leaveOn = LESSONS_TO;
    school.scheduleLessons();
    school.deriveMoney();
    school.declare(diligent);
    school.declareClean(0.35);
    return school;
  };

/** Suspended in the summer of 2022 and reinstated; kept teaching and invoicing while suspended. */
const suspendedSchool: Profile = (world) => {
  const school = new SchoolBuilder(world, world.schoolName(), 'suspended and reinstated')
    .keurmerk('ASPIRANT', '2019-02-01', 'aspirant: first audit scheduled')
    .keurmerk('GRANTED', '2020-02-01', 'audit passed')
    .keurmerk('SUSPENDED', '2022-07-01', 'suspended: attendance records incomplete')
    .keurmerk('GRANTED', '2022-08-15', 'reinstated after follow-up audit');
  const teacher = school.teacher();
  const second = school.teacher();
  // The 2022 cohort, taught (and invoiced) through the suspension.
  school.group({
    route: 'B1',
    slot: 'morning',
    teacherOn: () => teacher,
    from: '2022-04-04',
    to: '2022-12-15',
    size: 4,
    contractStart: '2022-04-01',
    contractEnd: '2022-12-31',
  });
  const morning = school.group({ route: 'B1', slot: 'morning', teacherOn: () => teacher });
  school.group({ route: 'ONDERWIJS', slot: 'afternoon', teacherOn: () => second });
  school.group({ route: 'WI2013', slot: 'evening', teacherOn: () => second });
  for (const learner of school.groups[0].learners) {
    learner.funding = 'DUO_LOAN';
    learner.planted = true;
  }
  const municipal = takeLearnerNotOnALoan(school, school.groups[2], 'MUNICIPALITY');
  school.scheduleLessons();
  school.deriveMoney();

  expectInvoicesDuringSuspension(school);
  plantOverpaidInvoice(school, morning);
  plantPaymentWithoutInvoice(school, morning);
  plantPaymentsInOneQuarter(school, morning);
  // The demo's evidence path: DUO cannot know a municipal contract.
  plantDeclarationNotOnALoan(school, municipal, 'municipal contract: DUO cannot know it');
  plantUnpaidLoanDeclaration(school, morning);
  school.declareClean(0.3);
  return school;
};

/** Withdrawn on 2024-07-01: declares and invoices for days after the withdrawal. */
const withdrawnSchool: Profile = (world) => {
  const school = new SchoolBuilder(world, world.schoolName(), 'withdrawn')
    .keurmerk('GRANTED', '2019-05-01', 'audit passed')
    .keurmerk('WITHDRAWN', '2024-07-01', 'withdrawn: lessons declared that were never given');
  const a = school.teacher();
  const b = school.teacher();
  const closes = { to: '2024-06-27', contractEnd: '2024-06-30' };
  const morning = school.group({ route: 'B1', slot: 'morning', teacherOn: () => a, ...closes });
  school.group({ route: 'Z', slot: 'evening', teacherOn: () => b, ...closes });
  const afterwards = takeLearnerContractedBeyondWithdrawal(school, morning);
  school.scheduleLessons();
  school.deriveMoney();

  plantDeclarationAfterWithdrawal(school, morning);
  plantInvoiceAfterWithdrawal(school, afterwards);
  school.declareClean(0.3);
  return school;
};

/** An aspirant using the teacher-shortage measures; one teacher in two places, an overfull group. */
const measuresSchool: Profile = (world) => {
  const school = new SchoolBuilder(world, world.schoolName(), 'temporary measures')
    .keurmerk('ASPIRANT', '2022-06-01', 'aspirant keurmerk')
    .keurmerk('GRANTED', '2023-09-01', 'audit passed')
    .measure('TEACHERS_IN_TRAINING', '2023-01-01', '2024-12-31', 'two teachers in NT2 training')
    .measure('EXPERIENCED_TEACHERS', '2023-01-01', '2024-12-31', 'experienced Dutch teachers');
  const trainee = school.teacher({
    nt2Certified: false,
    certifiedSince: undefined,
    nt2TrainingStartedOn: '2022-09-01',
  });
  const experienced = school.teacher({
    nt2Certified: false,
    certifiedSince: undefined,
    nt2ExperienceYears: 6,
    relatedQualification: 'DUTCH',
  });
  const certified = school.teacher();
  const morning = school.group({ route: 'B1', slot: 'morning', teacherOn: () => trainee });
  const afternoon = school.group({ route: 'Z', slot: 'afternoon', teacherOn: () => experienced });
  const evening = school.group({
    route: 'B1',
    slot: 'evening',
    teacherOn: () => certified,
    maxSize: 9,
    size: 8,
  });
  for (const learner of evening.learners) learner.leaveOn = LESSONS_TO; // a steady small group

  const selfFunded = takeLearnerNotOnALoan(school, afternoon, 'SELF');
  const overLimit = takeLearnerOnASmallLoan(school, afternoon);
  const lateContract = school.take(evening);
  school.scheduleLessons();

  plantTeacherInTwoPlaces(school, morning, afternoon, trainee);
  // The small evening group (own maximum 9) gets morning learners for one lesson.
  overfill(school, evening, [morning], false);
  plantAttendanceAfterContract(school, evening, lateContract);
  school.deriveMoney();
  expectLoanLimitExceeded(school, overLimit);
  plantDeclarationNotOnALoan(school, selfFunded, 'self-paying learner: DUO cannot know the contract');
  school.declareClean(0.3);
  return school;
};

/** Below the 80% norm in 2024, inflated declarations and invoices for lessons never given. */
const belowNormSchool: Profile = (world) => {
  const school = new SchoolBuilder(world, world.schoolName(), 'below the 80% norm').keurmerk(
    'GRANTED',
    '2017-09-01',
    'audit passed',
  );
  const a = school.teacher();
  const b = school.teacher();
  const takeover = uncertifiedTakeover(school);
  const morning = school.group({ route: 'B1', slot: 'morning', teacherOn: () => a });
  const afternoon = school.group({ route: 'Z', slot: 'afternoon', teacherOn: takeover });
  const evening = school.group({ route: 'B1', slot: 'evening', teacherOn: () => b });
  const overContract = takeLearnerOnASmallContract(school, morning);
  const crossing = takeLearnerCrossingTheContract(school, evening);
  const dropout = takeDropout(school, afternoon);
  school.scheduleLessons();
  school.deriveMoney();
  expectShareBelowNormIn2024(school, false, 'an uncertified teacher took over a group in 2024');
  plantInflatedDeclaration(school, morning);
  plantDeclarationBeyondContract(school, overContract);
  plantPaddedInvoice(school, evening);
  plantInvoiceAfterDropout(school, dropout);
  plantInvoiceBeyondContract(school, crossing);
  plantWeakResults(school, morning);
  school.declareClean(0.3);
  return school;
};

/** Deferred enforcement and group-size leniency; lists a phantom learner and a forged declaration. */
const deferredSchool: Profile = (world) => {
  const school = new SchoolBuilder(world, world.schoolName(), 'deferred enforcement')
    .keurmerk('GRANTED', '2016-01-15', 'audit passed')
    .measure('DEFERRED_ENFORCEMENT', '2024-01-01', '2024-12-31', 'staffing plan filed')
    .measure('GROUP_SIZE_LENIENCY', '2023-01-01', '2024-12-31', 'temporary larger groups');
  const a = school.teacher();
  const takeover = uncertifiedTakeover(school);
  const morning = school.group({ route: 'ALFA', slot: 'morning', teacherOn: () => a });
  const afternoon = school.group({ route: 'B1', slot: 'afternoon', teacherOn: takeover });
  school.scheduleLessons();
  overfill(school, morning, [afternoon], true);
  school.deriveMoney();
  expectShareBelowNormIn2024(school, true, 'below the norm in 2024, staffing plan filed');
  plantForgedDeclaration(school);
  school.declareClean(0.3);
  return school;
};

const SMALL_PROFILES: Profile[] = [
  cleanSchool(0),
  suspendedSchool,
  withdrawnSchool,
  measuresSchool,
  belowNormSchool,
  deferredSchool,
];

export interface GenerateOptions {
  scale: Scale;
  seed: number;
  /** National scale: how many schools (default 180). */
  schools?: number;
}

export function generateDataset(options: GenerateOptions): Dataset {
  const world = new World(options.seed);
  const profiles =
    options.scale === 'small' ? SMALL_PROFILES : nationalProfiles(world, options.schools ?? 180);
  const schools = profiles.map((profile) => profile(world));
  // Cross-school plants: each story school also lists a phantom learner of the next one.
  for (let i = 0; i < schools.length; i++) {
    if (schools[i].spec.profile !== 'deferred enforcement') continue;
    const victims = schools.filter((s) => s.spec.profile === 'suspended and reinstated');
    if (victims.length > 0) plantPhantom(victims[i % victims.length], schools[i]);
  }

  // Presented declarations go through POST /exemptions, which the bulk loader of the national scale does not use.
  const presented =
    options.scale === 'small' ? presentedDeclarations(world, schools) : { presented: [], intended: [] };

  const dataset: Dataset = {
    seed: options.seed,
    scale: options.scale,
    window: WINDOW,
    schools: schools.map((s) => s.spec),
    loanAccounts: loanAccounts(world, schools),
    payments: schools.flatMap((s) => s.payments),
    examResults: [...schools.flatMap((s) => s.examResults), ...backgroundExamResults(world, schools)],
    exemptions: options.scale === 'small' ? exemptionRequests(schools) : [],
    presented: presented.presented,
    expectedFlags: [],
  };
  dataset.expectedFlags = checkedTruth(
    [...schools.flatMap((s) => s.intended), ...presented.intended],
    evaluateRules(dataset),
  );
  return dataset;
}

/** Extra groups of a clean school at national scale: about a million lessons (two years) and ten million attendance rows over 180 schools. */
const NATIONAL_EXTRA_GROUPS = 40;

/** National scale: mostly clean schools, each story profile at a known rate. */
function nationalProfiles(world: World, count: number): Profile[] {
  const stories: [Profile, number][] = [
    [suspendedSchool, 0.06],
    [withdrawnSchool, 0.04],
    [measuresSchool, 0.1],
    [belowNormSchool, 0.06],
    [deferredSchool, 0.04],
  ];
  return Array.from({ length: count }, (_, i) => {
    if (i < SMALL_PROFILES.length) return SMALL_PROFILES[i];
    let roll = world.rng.next();
    for (const [profile, rate] of stories) {
      if (roll < rate) return profile;
      roll -= rate;
    }
    return cleanSchool(NATIONAL_EXTRA_GROUPS);
  });
}

/** The intended flags must be exactly the flags the data implies; anything else is a generator bug. */
function checkedTruth(intended: ExpectedFlag[], implied: ExpectedFlag[]): ExpectedFlag[] {
  const byIdentity = new Map(intended.map((f) => [flagIdentity(f), f]));
  const impliedIds = new Set(implied.map(flagIdentity));
  const problems: string[] = [];
  for (const flag of implied) {
    const plan = byIdentity.get(flagIdentity(flag));
    if (!plan) problems.push(`unplanned: ${flagIdentity(flag)} (${flag.why})`);
    else if (plan.severity !== flag.severity)
      problems.push(`severity ${plan.severity} planned, ${flag.severity} implied: ${flagIdentity(flag)}`);
    else if (
      plan.periodMatch === 'contains' &&
      plan.period &&
      flag.period &&
      (plan.period.from < flag.period.from || plan.period.to > flag.period.to)
    )
      problems.push(
        `period ${JSON.stringify(plan.period)} planned, ${JSON.stringify(flag.period)} implied: ${flagIdentity(flag)}`,
      );
  }
  for (const flag of intended)
    if (!impliedIds.has(flagIdentity(flag)))
      problems.push(`planted but not implied: ${flagIdentity(flag)} (${flag.why})`);
  if (problems.length > 0)
    throw new Error(`generated data and ground truth disagree:\n  ${problems.join('\n  ')}`);
  const impliedWhy = new Map(implied.map((f) => [flagIdentity(f), f.why]));
  return [...byIdentity.values()].map((flag) => ({
    ...flag,
    why: `${flag.why}; ${impliedWhy.get(flagIdentity(flag))}`,
  }));
}
