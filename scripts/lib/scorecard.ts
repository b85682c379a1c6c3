/**
 * Detection scorecard: the flags the portal raised (read through the API) against the ground truth
 * of a generated data set, per rule: recall, precision and whether the severity is the expected one.
 */
import {
  declarationKey,
  ExpectedFlag,
  flagIdentity,
  invoiceKey,
  learnerKey,
  lessonKey,
  paymentKey,
  RULE_CODES,
  RuleCode,
  Severity,
  SubjectType,
} from '../generator/dataset';
import { Api, ApiError, inPool } from './api-client';

export interface ApiFlag {
  id: string;
  rule: RuleCode;
  severity: Severity;
  status: string;
  schoolId: string | null;
  subjectType: SubjectType;
  subjectId: string;
  period?: { from: string; to: string } | null;
  explanation: string;
}

/** Which rules carry their period in a flag's identity (see DOMAIN.md: one flag per rule, subject, period). */
export const PERIOD_MATCH: Record<RuleCode, ExpectedFlag['periodMatch']> = Object.fromEntries(
  RULE_CODES.map((rule) => [
    rule,
    rule === 'QUARTERLY_CAP_EXCEEDED' || rule === 'CERTIFIED_LESSON_SHARE_BELOW_NORM'
      ? 'exact'
      : rule === 'ATTENDANCE_WITHOUT_CONTRACT'
        ? 'contains'
        : 'none',
  ]),
) as Record<RuleCode, ExpectedFlag['periodMatch']>;

/** The flags in force (everything the system has not withdrawn). */
export async function currentFlags(auditor: Api): Promise<ApiFlag[]> {
  return (await auditor.all<ApiFlag>('/flags')).filter((f) => f.status !== 'WITHDRAWN');
}

/** Names each flag's subject by the natural key the ground truth uses, reading the records through the API. */
export async function naturalKeys(
  flags: ApiFlag[],
  apis: { auditor: Api; duo: Api },
  known: { declarationKeys?: Map<string, string> } = {},
): Promise<Map<string, string>> {
  const kvkOf = new Map(
    (await apis.auditor.all<{ id: string; kvkNumber: string }>('/schools')).map((s) => [s.id, s.kvkNumber]),
  );
  let payments: Map<string, string> | undefined;
  const paymentKeys = async (): Promise<Map<string, string>> => {
    if (!payments) {
      const rows = await apis.duo.all<{ id: string; schoolKvk: string; invoiceNumber: string }>(
        '/duo/payments',
      );
      payments = new Map(rows.map((p) => [p.id, paymentKey(p.schoolKvk, p.invoiceNumber)]));
    }
    return payments;
  };
  const kvk = (schoolId: string | null): string => (schoolId ? (kvkOf.get(schoolId) ?? schoolId) : '');
  const keys = new Map<string, string>();
  await inPool(flags, 8, async (flag) => {
    const id = flag.subjectId;
    let key: string;
    try {
      switch (flag.subjectType) {
        case 'HOURS_DECLARATION': {
          const knownKey = known.declarationKeys?.get(id);
          if (knownKey) key = knownKey;
          else {
            // schoolKvk: a presented declaration may name a KvK that is no registered school.
            const d = await apis.duo.get<{
              schoolKvk: string;
              bsn: string;
              purpose: 'AGI' | 'ONA';
              periodStart: string;
              periodEnd: string;
            }>(`/hours-declarations/${id}`);
            key = declarationKey(d.schoolKvk, { learnerBsn: d.bsn, ...d });
          }
          break;
        }
        case 'INVOICE': {
          const invoice = await apis.auditor.get<{ schoolId: string; invoiceNumber: string }>(
            `/invoices/${id}`,
          );
          key = invoiceKey(kvk(invoice.schoolId), invoice.invoiceNumber);
          break;
        }
        case 'LESSON': {
          const lesson = await apis.auditor.get<{
            schoolId: string;
            groupCode: string;
            teacherReference: string;
            startsAt: string;
          }>(`/lessons/${id}`);
          key = lessonKey(kvk(lesson.schoolId), lesson);
          break;
        }
        case 'LEARNER': {
          const learner = await apis.duo.get<{ bsn: string }>(`/learners/${id}`);
          key = learnerKey(flag.schoolId ? kvk(flag.schoolId) : null, learner.bsn);
          break;
        }
        case 'SCHOOL_YEAR':
          key = kvk(id);
          break;
        case 'DUO_PAYMENT':
          key = (await paymentKeys()).get(id) ?? `payment ${id}`;
          break;
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      key = `${flag.subjectType.toLowerCase()} ${id} (unreadable: ${error.status})`;
    }
    keys.set(flag.id, key);
  });
  return keys;
}

export interface RuleScore {
  rule: RuleCode;
  expected: number;
  found: number;
  truePositives: number;
  recall: number;
  precision: number;
  severityMismatches: number;
  /** The expected flags by severity, e.g. "4 HIGH, 1 MEDIUM, 2 LOW" (rules whose severity varies per flag). */
  severities: string;
  missed: string[];
  falseFlags: string[];
  wrongSeverity: string[];
}

export function score(expected: ExpectedFlag[], flags: ApiFlag[], keys: Map<string, string>): RuleScore[] {
  const actual = flags.map((flag) => {
    const periodMatch = PERIOD_MATCH[flag.rule];
    return {
      flag,
      identity: flagIdentity({
        rule: flag.rule,
        subjectType: flag.subjectType,
        subjectKey: keys.get(flag.id) ?? flag.subjectId,
        period: flag.period ?? undefined,
        periodMatch,
      }),
    };
  });
  return RULE_CODES.map((rule) => {
    const want = new Map(expected.filter((f) => f.rule === rule).map((f) => [flagIdentity(f), f]));
    const got = actual.filter((a) => a.flag.rule === rule);
    const matched = got.filter((a) => want.has(a.identity));
    const wrongSeverity = matched
      .filter((a) => {
        const truth = want.get(a.identity) as ExpectedFlag;
        const periodOk =
          truth.periodMatch !== 'contains' ||
          !truth.period ||
          (!!a.flag.period && a.flag.period.from <= truth.period.from && truth.period.to <= a.flag.period.to);
        return truth.severity !== a.flag.severity || !periodOk;
      })
      .map(
        (a) =>
          `${a.identity}: ${a.flag.severity} ${JSON.stringify(a.flag.period ?? null)}, expected ${want.get(a.identity)?.severity}`,
      );
    const gotIds = new Set(got.map((a) => a.identity));
    const truePositives = new Set(matched.map((a) => a.identity)).size;
    return {
      rule,
      expected: want.size,
      found: got.length,
      truePositives,
      recall: want.size === 0 ? 1 : truePositives / want.size,
      precision: got.length === 0 ? 1 : truePositives / got.length,
      severityMismatches: wrongSeverity.length,
      severities: (['HIGH', 'MEDIUM', 'LOW'] as const)
        .map(
          (severity) => [severity, [...want.values()].filter((f) => f.severity === severity).length] as const,
        )
        .filter(([, n]) => n > 0)
        .map(([severity, n]) => `${n} ${severity}`)
        .join(', '),
      missed: [...want.values()]
        .filter((f) => !gotIds.has(flagIdentity(f)))
        .map((f) => `${flagIdentity(f)} (${f.why})`),
      falseFlags: got.filter((a) => !want.has(a.identity)).map((a) => `${a.identity}: ${a.flag.explanation}`),
      wrongSeverity,
    };
  });
}

export const perfect = (scores: RuleScore[]): boolean =>
  scores.every((s) => s.recall === 1 && s.precision === 1 && s.severityMismatches === 0);

export function scoreTable(scores: RuleScore[]): string {
  const header = ['rule', 'expected', 'found', 'recall', 'precision', 'severity', 'expected severities'];
  const rows = scores.map((s) => [
    s.rule,
    String(s.expected),
    String(s.found),
    s.recall.toFixed(2),
    s.precision.toFixed(2),
    s.severityMismatches === 0 ? 'ok' : `${s.severityMismatches} wrong`,
    s.severities,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 || i === header.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  const details = scores.flatMap((s) => [
    ...s.missed.slice(0, 5).map((m) => `  missed  ${m}`),
    ...s.falseFlags.slice(0, 5).map((m) => `  false   ${m}`),
    ...s.wrongSeverity.slice(0, 5).map((m) => `  wrong   ${m}`),
  ]);
  return [line(header), ...rows.map(line), ...(details.length > 0 ? ['', ...details] : [])].join('\n');
}
