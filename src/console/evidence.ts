import type { Evidence, EvidenceRecord } from '../flags/flag.entity';
import { label } from './labels';

/** Column and figure names of the rules' evidence, in Dutch; an unknown key shows as itself. */
const FIELD_LABELS: Record<string, string> = {
  id: 'Id',
  schoolId: 'School',
  reference: 'Referentie',
  invoiceNumber: 'Factuurnummer',
  hours: 'Uren',
  declaredHours: 'Verklaarde uren',
  attendedHours: 'Gevolgde uren',
  contractedHours: 'Gecontracteerde uren',
  contractHours: 'Contracturen',
  contractPriceCents: 'Contractprijs (cent)',
  toleranceHours: 'Marge (uren)',
  toleranceCents: 'Marge (cent)',
  amountCents: 'Bedrag (cent)',
  paidCents: 'Betaald (cent)',
  invoicedCents: 'Gefactureerd (cent)',
  invoicedCentsToDate: 'Gefactureerd tot en met (cent)',
  invoicedHoursToDate: 'Gefactureerde uren tot en met',
  capCents: 'Maximum (cent)',
  loanLimitCents: 'Leenlimiet (cent)',
  paidOn: 'Betaald op',
  startsAt: 'Begin',
  endsAt: 'Einde',
  from: 'Van',
  to: 'Tot en met',
  periodStart: 'Periode van',
  periodEnd: 'Periode tot en met',
  issuedOn: 'Afgegeven op',
  invoiceDate: 'Factuurdatum',
  status: 'Status',
  attendees: 'Deelnemers',
  maximum: 'Maximum',
  groupMaxSize: 'Maximum van de groep',
  routeMaximum: 'Maximum van de route',
  share: 'Aandeel',
  norm: 'Norm',
  year: 'Jaar',
  quarter: 'Kwartaal',
  lessons: 'Lessen',
  countingLessons: 'Lessen door tellende docenten',
  minimumLessons: 'Minimum aantal lessen',
  uncoveredDays: 'Dagen zonder contract',
  days: 'Dagen',
  schoolKvk: 'KvK-nummer',
  code: 'Code',
  route: 'Route',
  name: 'Naam',
  mode: 'Lesvorm',
  component: 'Onderdeel',
  level: 'Niveau',
  examDate: 'Examendatum',
  expectedLevel: 'Verwacht niveau',
  minimumHours: 'Minimum aantal uren',
  windowMonths: 'Termijn (maanden)',
  windowFrom: 'Termijn van',
  windowTo: 'Termijn tot en met',
  componentsBelow: 'Onderdelen onder het niveau',
  minimumComponents: 'Minimum aantal onderdelen',
};

export const fieldLabel = (key: string): string => FIELD_LABELS[key] ?? key;

export interface EvidenceTable {
  type: string;
  caption: string;
  columns: { key: string; label: string }[];
  rows: Record<string, string>[];
}

export interface EvidenceView {
  figures: { label: string; value: string }[];
  tables: EvidenceTable[];
  redactedRecords: number;
}

const text = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
};

/**
 * A flag's evidence as a reviewer reads it: the figures the rule compared, and one table per kind of
 * record it names (lessons, contracts, invoices...), each row one record with its own figures.
 */
export function evidenceTables(evidence: Evidence | Record<string, unknown>): EvidenceView {
  const { records, redactedRecords, ...figures } = evidence as Evidence & { redactedRecords?: number };
  const byType = new Map<string, EvidenceRecord[]>();
  for (const record of Array.isArray(records) ? records : []) {
    byType.set(record.type, [...(byType.get(record.type) ?? []), record]);
  }
  const tables = [...byType].map(([type, rows]) => {
    const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((key) => key !== 'type');
    keys.sort((a, b) => (a === 'id' ? -1 : b === 'id' ? 1 : 0));
    return {
      type,
      caption: label('recordType', type),
      columns: keys.map((key) => ({ key, label: fieldLabel(key) })),
      rows: rows.map((row) => Object.fromEntries(keys.map((key) => [key, text(row[key])]))),
    };
  });
  return {
    figures: Object.entries(figures).map(([key, value]) => ({ label: fieldLabel(key), value: text(value) })),
    tables,
    redactedRecords: typeof redactedRecords === 'number' ? redactedRecords : 0,
  };
}
