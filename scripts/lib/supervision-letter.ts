/**
 * The supervision figures of the minister's letter (002 D.2.1) for 1 November 2022 to 1 May 2023,
 * entered through the public API as the people concerned would: DUO 14 signals, mostly from exam
 * locations, some shared with chain partners or referred to the NLA; Blik op Werk 5 signals, 1 keurmerk
 * withdrawn for quality (not fraud), 2 aspirant applications refused; the NLA 2 signals.
 * Used by the demo and by the test that holds the supervision report to these figures.
 */

/** What the loader needs of an API client (scripts/lib/api-client.ts `Api`, or a test's adapter). */
export interface Poster {
  post<T>(path: string, body?: unknown): Promise<T>;
}

export const LETTER_PERIOD = { from: '2022-11-01', to: '2023-05-01' } as const;

/** The figures the report must give for LETTER_PERIOD. */
export const LETTER_FIGURES = {
  signals: { BOW: 5, DUO: 14, NLA: 2 },
  withdrawalsOnQualityGrounds: 1,
  aspirantApplicationsRefused: 2,
} as const;

type Signal = [receivedBy: 'BOW' | 'DUO' | 'NLA', source: string, category: string, receivedOn: string];

/** 21 signals: DUO's 14 (10 from exam locations), BoW's 5, the NLA's 2. */
const SIGNALS: Signal[] = [
  ['DUO', 'EXAM_LOCATION', 'EXAM_FRAUD', '2022-11-01'],
  ['DUO', 'EXAM_LOCATION', 'RESULTS_BELOW_HOURS', '2022-11-14'],
  ['DUO', 'EXAM_LOCATION', 'RESULTS_BELOW_HOURS', '2022-11-29'],
  ['DUO', 'EXAM_LOCATION', 'EXAM_FRAUD', '2022-12-08'],
  ['DUO', 'EXAM_LOCATION', 'RESULTS_BELOW_HOURS', '2023-01-10'],
  ['DUO', 'EXAM_LOCATION', 'RESULTS_BELOW_HOURS', '2023-01-24'],
  ['DUO', 'EXAM_LOCATION', 'EXAM_FRAUD', '2023-02-07'],
  ['DUO', 'EXAM_LOCATION', 'RESULTS_BELOW_HOURS', '2023-02-21'],
  ['DUO', 'EXAM_LOCATION', 'RESULTS_BELOW_HOURS', '2023-03-14'],
  ['DUO', 'EXAM_LOCATION', 'EXAM_FRAUD', '2023-04-04'],
  ['DUO', 'LEARNER', 'FORGED_DECLARATION', '2022-12-20'],
  ['DUO', 'MUNICIPALITY', 'LESSONS_NOT_GIVEN', '2023-02-28'],
  ['DUO', 'SCHOOL', 'HOURS_INFLATED', '2023-03-28'],
  ['DUO', 'ANONYMOUS', 'LESSONS_NOT_GIVEN', '2023-05-01'],
  ['BOW', 'LEARNER', 'QUALITY', '2022-11-22'],
  ['BOW', 'ANONYMOUS', 'LESSONS_NOT_GIVEN', '2023-01-17'],
  ['BOW', 'CHAIN_PARTNER', 'QUALITY', '2023-02-14'],
  ['BOW', 'MUNICIPALITY', 'HOURS_INFLATED', '2023-03-07'],
  ['BOW', 'SCHOOL', 'QUALITY', '2023-04-18'],
  ['NLA', 'CHAIN_PARTNER', 'LESSONS_NOT_GIVEN', '2023-01-31'],
  ['NLA', 'ANONYMOUS', 'HOURS_INFLATED', '2023-04-25'],
];

export interface LetterSchools {
  /** The school whose keurmerk Blik op Werk withdrew on quality grounds. */
  withdrawn: string;
  /** The two schools whose aspirant applications were refused. */
  refused: [string, string];
}

/**
 * Enters the letter's period. `kvkBase` is the first of three consecutive KvK numbers for the schools
 * it creates (default 09000001: no generated data set uses KvK numbers below 10000000).
 */
export async function loadSupervisionLetter(api: Poster, kvkBase = 9_000_001): Promise<LetterSchools> {
  const school = async (n: number, name: string) =>
    (
      await api.post<{ id: string }>('/schools', {
        name,
        kvkNumber: String(kvkBase + n).padStart(8, '0'),
      })
    ).id;
  const withdrawn = await school(0, 'Taalhuis De Kade');
  const refused: [string, string] = [
    await school(1, 'Aspirant Taalschool Oost'),
    await school(2, 'Aspirant Taalschool West'),
  ];

  const keurmerk = (status: string, effectiveFrom: string, reason: string, grounds?: string) =>
    api.post(`/schools/${withdrawn}/keurmerk-events`, { status, effectiveFrom, reason, grounds });
  await keurmerk('ASPIRANT', '2020-09-01', 'aspirant-keurmerk after the intake');
  await keurmerk('GRANTED', '2021-09-01', 'keurmerk after the first audit');
  await keurmerk('WITHDRAWN', '2023-03-15', 'two audits below the quality norm', 'QUALITY');

  for (const [i, schoolId] of refused.entries()) {
    const { id } = await api.post<{ id: string }>('/keurmerk-applications', {
      schoolId,
      kind: 'ASPIRANT',
      receivedOn: ['2022-10-03', '2022-12-12'][i],
    });
    await api.post(`/keurmerk-applications/${id}/decision`, {
      outcome: 'REFUSED',
      reason: 'the quality handbook does not meet the norm',
      decidedOn: ['2022-12-19', '2023-03-20'][i],
    });
  }

  for (const [i, [receivedBy, source, category, receivedOn]] of SIGNALS.entries()) {
    const { id } = await api.post<{ id: string }>('/signals', {
      receivedBy,
      source,
      category,
      receivedOn,
      description: `Signal ${i + 1} of the letter's period (${category.toLowerCase().replace(/_/g, ' ')}).`,
      ...(i % 3 === 0 ? { schoolId: withdrawn } : {}),
    });
    // DUO shares what warrants it with chain partners and passes some to the investigators.
    if (receivedBy === 'DUO' && i % 4 === 0)
      await api.post(`/signals/${id}/actions`, { action: 'SHARE', with: 'BOW', reason: 'for supervision' });
    if (receivedBy === 'DUO' && i % 5 === 0)
      await api.post(`/signals/${id}/actions`, { action: 'REFER_TO_NLA', reason: 'possible fraud' });
  }
  return { withdrawn, refused };
}
