/**
 * The generator's `letter` profile: DUO's check of hours declarations as the minister reported it to parliament
 * (seed letter 000 §3.4): of 933 declarations received between mid-March and July 2023, 69 had no underlying
 * contract known at DUO, and 2 were refused because the school said it never issued them; the rest were
 * confirmed by their schools, or backed by the learner's evidence.
 *
 * The country it builds, loaded through the public API (`npm run generate -- --profile letter --load URL`, and the
 * demo): seven schools whose 931 learners each followed one 3-hour lesson and got a 3-hour declaration issued in
 * the window; DUO holds the loan contract of 864 of them (its contract records); 67 pay the course themselves
 * (a SELF contract: LOW "no contract at DUO", their schools confirm or the learner shows evidence); 2 learners
 * present a declaration their school never issued (it denies: refused, forgery report). Outside the window's
 * counts it plants the other stories of presented declarations: one matched in the register, one of a school
 * that closed (the learner is asked at once), one of a KvK that is no registered school, and a granted case that
 * later data (a keurmerk suspension over its period) would have flagged, left alone (legal certainty).
 */
import { validBsn } from '../lib/bsn-series';
import { Api } from '../lib/api-client';
import { LoadedDataset, loadThroughApi, signInDemoUsers, waitForImport } from './api-loader';
import { Dataset, declarationKey, DeclarationSpec, SchoolSpec } from './dataset';

export const DECLARATIONS_LETTER_PERIOD = { from: '2023-03-15', to: '2023-07-31' } as const;
/** What GET /reports/declarations answers for DECLARATIONS_LETTER_PERIOD with basis=issued. */
export const DECLARATIONS_LETTER_FIGURES = {
  submitted: 933,
  withoutDuoContract: 69,
  refused: 2,
  forgeryReports: 2,
} as const;

const REGISTERED = 931;
const SELF_PAYERS = 67;
/** Of the self-payers, how many their school confirms; the others are backed by the learner's evidence. */
const CONFIRMED_BY_SCHOOL = 60;
const REGULAR_SCHOOLS = 7;
const LESSON_SIZE = 12;
const HOURS = 3;

// Outside the generated countries' ranges: their BSNs start with 1..6 and their KvK numbers with 1..9.
const learnerBsn = (i: number): string => validBsn(7_000_000 + i);
const kvk = (n: number): string => `0770000${n}`;
/** A KvK number that is no registered school. */
export const UNKNOWN_KVK = '07799999';

const isSelfPayer = (i: number): boolean => i % 14 === 3 && i < SELF_PAYERS * 14;
/** The learner of the granted case, alone at its school. */
const GRANTED_LEARNER = REGISTERED - 1;

const addDays = (day: string, days: number): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
/** Europe/Amsterdam's offset in 2023: summer time from 26 March to 29 October. */
const amsterdam = (day: string, time: string): string =>
  `${day}T${time}:00${day >= '2023-03-26' && day < '2023-10-29' ? '+02:00' : '+01:00'}`;
const monthEnd = (day: string): string => {
  const d = new Date(`${day.slice(0, 8)}01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return d.toISOString().slice(0, 10);
};

function school(n: number, name: string, profile: string): SchoolSpec {
  return {
    name,
    kvkNumber: kvk(n),
    bowNumber: `BOW-L${n}`,
    profile,
    keurmerkEvents: [{ status: 'GRANTED', effectiveFrom: '2020-01-01', reason: 'keurmerk granted' }],
    measures: [],
    teachers: [
      { name: `Docent ${n}`, reference: `T-${n}`, nt2Certified: true, certifiedSince: '2015-01-01' },
    ],
    groups: [{ code: 'B1-A', route: 'B1' }],
    lessons: [],
    contracts: [],
    invoices: [],
    declarations: [],
  };
}

/** Each learner in a lesson of 12 (one lesson a week per school, Mondays from 6 March) and declared for its month. */
function enrol(s: SchoolSpec, learners: number[]): void {
  for (let k = 0; k * LESSON_SIZE < learners.length; k++) {
    const date = addDays('2023-03-06', 7 * k);
    const attendees = learners.slice(k * LESSON_SIZE, (k + 1) * LESSON_SIZE);
    s.lessons.push({
      groupCode: 'B1-A',
      teacherReference: s.teachers[0].reference,
      startsAt: amsterdam(date, '09:00'),
      endsAt: amsterdam(date, '12:00'),
      mode: 'IN_PERSON',
      attendeeBsns: attendees.map(learnerBsn),
      date,
      hours: HOURS,
    });
    for (const i of attendees) {
      const periodStart = `${date.slice(0, 8)}01`;
      const periodEnd = monthEnd(date);
      s.contracts.push({
        learnerBsn: learnerBsn(i),
        reference: `L-${i}`,
        startDate: '2023-01-01',
        endDate: '2023-12-31',
        hours: 600,
        priceCents: 540_000,
        funding: isSelfPayer(i) ? 'SELF' : 'DUO_LOAN',
      });
      s.declarations.push({
        learnerBsn: learnerBsn(i),
        purpose: 'AGI',
        periodStart,
        periodEnd,
        hours: HOURS,
        issuedOn: addDays(periodEnd, 14),
      });
    }
  }
}

/** A declaration as a learner presents it to DUO, in the name of a KvK. */
export interface PresentedCase {
  story: 'NOT_ISSUED' | 'MATCHED' | 'CLOSED_SCHOOL' | 'UNKNOWN_KVK';
  learnerBsn: string;
  paper: DeclarationSpec & { schoolKvk: string };
}

export interface LetterProfile {
  dataset: Dataset;
  /** DUO's contract records (loan-paid courses), as `POST /duo/imports?type=contracts` takes them. */
  duoContractsCsv: string;
  selfPayers: { learnerBsn: string; schoolKvk: string; declaration: DeclarationSpec }[];
  presented: PresentedCase[];
  granted: { learnerBsn: string; schoolKvk: string; declaration: DeclarationSpec };
  closedSchool: { kvkNumber: string; closedOn: string };
}

export function letterProfile(): LetterProfile {
  const regular = Array.from({ length: REGULAR_SCHOOLS }, (_, n) =>
    school(n + 1, `Taalschool Brief ${n + 1}`, 'letter: declarations of 2023'),
  );
  const certain = school(8, 'Taalschool Zekerheid', 'letter: a granted case left alone');
  const closed = school(9, 'Taalschool Opgeheven', 'letter: closed (KvK deregistered) on 2023-08-31');
  const perSchool = regular.map(() => [] as number[]);
  for (let i = 0; i < GRANTED_LEARNER; i++) perSchool[i % REGULAR_SCHOOLS].push(i);
  regular.forEach((s, n) => enrol(s, perSchool[n]));
  enrol(certain, [GRANTED_LEARNER]);
  const schools = [...regular, certain, closed];

  const rows = ['bsn,school_kvk,contract_reference,start_date,end_date,hours,price_cents'];
  const selfPayers: LetterProfile['selfPayers'] = [];
  for (const s of schools)
    s.contracts.forEach((c, k) => {
      const declaration = s.declarations[k];
      if (c.funding === 'SELF')
        selfPayers.push({ learnerBsn: c.learnerBsn, schoolKvk: s.kvkNumber, declaration });
      else rows.push(`${c.learnerBsn},${s.kvkNumber},DUO-${c.reference},2023-01-01,2023-12-31,600,540000`);
    });

  const first = regular[0].declarations[0];
  const forged = (j: number): PresentedCase => ({
    story: 'NOT_ISSUED',
    learnerBsn: learnerBsn(1000 + j),
    paper: {
      schoolKvk: regular[j].kvkNumber,
      learnerBsn: learnerBsn(1000 + j),
      purpose: 'AGI',
      periodStart: '2023-04-01',
      periodEnd: '2023-04-30',
      hours: 120,
      issuedOn: '2023-05-15',
    },
  });
  const presented: PresentedCase[] = [
    forged(0),
    forged(1),
    { story: 'MATCHED', learnerBsn: first.learnerBsn, paper: { ...first, schoolKvk: regular[0].kvkNumber } },
    {
      story: 'CLOSED_SCHOOL',
      learnerBsn: learnerBsn(1010),
      paper: {
        schoolKvk: closed.kvkNumber,
        learnerBsn: learnerBsn(1010),
        purpose: 'AGI',
        periodStart: '2023-06-01',
        periodEnd: '2023-07-31',
        hours: 80,
        issuedOn: '2023-08-20',
      },
    },
    {
      story: 'UNKNOWN_KVK',
      learnerBsn: learnerBsn(1011),
      paper: {
        schoolKvk: UNKNOWN_KVK,
        learnerBsn: learnerBsn(1011),
        purpose: 'ONA',
        periodStart: '2023-07-01',
        periodEnd: '2023-08-31',
        hours: 64,
        issuedOn: '2023-09-05',
      },
    },
  ];
  const dataset: Dataset = {
    seed: 0,
    scale: 'small',
    window: { from: '2023-01-01', to: '2023-12-31' },
    schools,
    loanAccounts: [],
    payments: [],
    examResults: [],
    exemptions: [],
    // Its presented declarations are walked below, each with its story.
    presented: [],
    // The rules' ground truth is not this profile's concern: it reproduces the letter's counts.
    expectedFlags: [],
  };
  return {
    dataset,
    duoContractsCsv: `${rows.join('\n')}\n`,
    selfPayers,
    presented,
    granted: {
      learnerBsn: learnerBsn(GRANTED_LEARNER),
      schoolKvk: certain.kvkNumber,
      declaration: certain.declarations[0],
    },
    closedSchool: { kvkNumber: closed.kvkNumber, closedOn: '2023-08-31' },
  };
}

interface Exemption {
  id: string;
  status: string;
  presentedDeclarations: { declarationId: string; match: string }[];
}

/** What the letter's walk left, per story, for the demo to tell and the test to hold. */
export interface LetterOutcome {
  loaded: LoadedDataset;
  exemptions: { story: string; id: string; status: string; match?: string }[];
}

const paperBody = ({ learnerBsn: _, ...paper }: PresentedCase['paper']) => paper;

/**
 * Loads the letter profile through the API at `baseUrl` and walks its cases as DUO and the schools would:
 * DUO's contract records first, then the country; exemption requests for the 67 self-payers (60 confirmed by their
 * school, 7 backed by the learner's evidence), the 2 declarations their schools never issued (denied), the matched,
 * closed-school and unknown-KvK presentations, and the granted case with the later suspension.
 */
export async function loadLetterProfile(
  baseUrl: string,
  admin: { email: string; password: string },
  log: (line: string) => void = () => undefined,
): Promise<LetterOutcome> {
  const profile = letterProfile();
  // DUO's contract records first: the declarations are then checked against them as they arrive.
  const { duo: duoFirst } = await signInDemoUsers(baseUrl, admin);
  await waitForImport(
    duoFirst,
    await duoFirst.postCsv<{ id: string }>('/duo/imports?type=contracts', profile.duoContractsCsv),
    'DUO contract records',
  );
  log(`DUO: ${profile.duoContractsCsv.trim().split('\n').length - 1} contract records`);
  const loaded = await loadThroughApi(profile.dataset, baseUrl, admin, log);
  const { duo, auditor } = loaded;
  const schoolApi = (kvkNumber: string): Api => (loaded.schools.get(kvkNumber) as { api: Api }).api;
  const schoolId = (kvkNumber: string): string => (loaded.schools.get(kvkNumber) as { id: string }).id;
  const act = (id: string, action: string, extra: object = {}) =>
    duo.post(`/exemptions/${id}/actions`, { action, ...extra });
  const answer = async (kvkNumber: string, declarationId: string, issued: boolean): Promise<void> => {
    const requests = await schoolApi(kvkNumber).all<{ id: string; declarationIds: string[]; status: string }>(
      '/confirmation-requests?status=PENDING',
    );
    const request = requests.find((r) => r.declarationIds.includes(declarationId));
    if (!request) throw new Error(`no pending confirmation request for declaration ${declarationId}`);
    await schoolApi(kvkNumber).post(`/confirmation-requests/${request.id}/response`, {
      issued,
      note: issued ? 'We issued this declaration.' : 'We never issued this declaration.',
    });
  };
  const status = async (id: string): Promise<string> =>
    (await duo.get<{ status: string }>(`/exemptions/${id}`)).status;
  const outcome: LetterOutcome = { loaded, exemptions: [] };

  // The school no longer exists: its KvK was deregistered after the summer.
  await auditor.request('PATCH', `/schools/${schoolId(profile.closedSchool.kvkNumber)}`, {
    closedOn: profile.closedSchool.closedOn,
  });

  // 67 self-payers: DUO knows no contract, so it asks the school first.
  for (const [n, s] of profile.selfPayers.entries()) {
    const declarationId = loaded.declarationIds.get(declarationKey(s.schoolKvk, s.declaration)) as string;
    const { id } = await duo.post<Exemption>('/exemptions', {
      learnerBsn: s.learnerBsn,
      grounds: 'MEDICAL',
      declarationIds: [declarationId],
    });
    if (n < CONFIRMED_BY_SCHOOL) await answer(s.schoolKvk, declarationId, true);
    else {
      await act(id, 'REQUEST_LEARNER_EVIDENCE', {
        reason: 'the school did not answer; asking for a bank statement',
      });
      await act(id, 'RECORD_LEARNER_EVIDENCE', {
        verified: true,
        reason: 'bank statement shows the course fees',
      });
    }
    outcome.exemptions.push({ story: 'SELF_PAYER', id, status: await status(id) });
  }
  log(
    `${profile.selfPayers.length} self-payers' requests: ${CONFIRMED_BY_SCHOOL} confirmed by their school, the rest by evidence`,
  );

  for (const p of profile.presented) {
    const created = await duo.post<Exemption>('/exemptions', {
      learnerBsn: p.learnerBsn,
      grounds: 'AGI',
      presentedDeclarations: [paperBody(p.paper)],
      examAttempts: 3,
    });
    const [{ declarationId, match }] = created.presentedDeclarations;
    if (p.story === 'NOT_ISSUED') await answer(p.paper.schoolKvk, declarationId, false);
    if (p.story === 'CLOSED_SCHOOL' || p.story === 'UNKNOWN_KVK')
      await act(created.id, 'RECORD_LEARNER_EVIDENCE', {
        verified: p.story === 'CLOSED_SCHOOL',
        reason:
          p.story === 'CLOSED_SCHOOL'
            ? 'the learner showed his contract and bank statements of the closed school'
            : 'no evidence of a school with this KvK number',
      });
    outcome.exemptions.push({ story: p.story, id: created.id, status: await status(created.id), match });
  }

  // A granted case: its declaration ACCEPTED; a suspension recorded later over its period changes no flag on it.
  const g = profile.granted;
  const grantedDeclaration = loaded.declarationIds.get(declarationKey(g.schoolKvk, g.declaration)) as string;
  const granted = await duo.post<Exemption>('/exemptions', {
    learnerBsn: g.learnerBsn,
    grounds: 'MEDICAL',
    declarationIds: [grantedDeclaration],
  });
  await act(granted.id, 'GRANT', { reason: 'medical certificate holds; the declaration is backed by DUO' });
  await auditor.post(`/schools/${schoolId(g.schoolKvk)}/keurmerk-events`, {
    status: 'SUSPENDED',
    effectiveFrom: g.declaration.periodStart,
    reason: 'suspended after a quality audit, recorded later',
    grounds: 'QUALITY',
  });
  outcome.exemptions.push({
    story: 'GRANTED_THEN_SUSPENDED',
    id: granted.id,
    status: await status(granted.id),
  });
  return outcome;
}
