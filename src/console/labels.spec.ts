import { ROLES } from '../common/auth/actor';
import { FUNDINGS } from '../contracts/contract.entity';
import {
  CONFIRMATION_REQUEST_STATUSES,
  EXEMPTION_GROUNDS,
  EXEMPTION_STATUSES,
} from '../exemptions/exemption.entity';
import { EXEMPTION_ACTIONS, PRESENTED_MATCHES } from '../exemptions/exemptions.dto';
import { FLAG_EVENT_ACTIONS, FLAG_STATUSES, SEVERITIES, SUBJECT_TYPES } from '../flags/flag.entity';
import { DECISION_OUTCOMES } from '../flags/flags.dto';
import { DECLARATION_PURPOSES, DECLARATION_SOURCES } from '../hours-declarations/hours-declaration.entity';
import { IMPORT_KINDS } from '../imports/import.entity';
import { LESSON_MODES } from '../lessons/lesson.entity';
import { ROUTES, RULE_CODES } from '../common/vocabulary';
import { INSPECTION_KINDS, INSPECTION_OUTCOMES } from '../inspections/inspection.entity';
import {
  APPLICATION_KINDS,
  APPLICATION_STATUSES,
} from '../keurmerk-applications/keurmerk-application.entity';
import { KEURMERK_EVENT_STATUSES, KEURMERK_GROUNDS, MEASURE_KINDS } from '../schools/school.entity';
import {
  SHARE_PARTNERS,
  SIGNAL_ACTIONS,
  SIGNAL_CATEGORIES,
  SIGNAL_OUTCOMES,
  SIGNAL_RECEIVERS,
  SIGNAL_SOURCES,
  SIGNAL_STATUSES,
} from '../signals/signal.entity';
import { label, LABELS, Vocabulary } from './labels';

/** Every code the API can send has its Dutch word on screen (CONSOLE.md "Terms on screen"). */
describe('console labels', () => {
  const vocabularies: [Vocabulary, readonly string[]][] = [
    ['severity', SEVERITIES],
    ['flagStatus', FLAG_STATUSES],
    ['flagEvent', FLAG_EVENT_ACTIONS],
    ['decisionOutcome', DECISION_OUTCOMES],
    ['subjectType', SUBJECT_TYPES],
    ['rule', RULE_CODES],
    ['exemptionStatus', EXEMPTION_STATUSES],
    ['exemptionGrounds', EXEMPTION_GROUNDS],
    ['exemptionAction', EXEMPTION_ACTIONS],
    ['confirmationStatus', CONFIRMATION_REQUEST_STATUSES],
    ['declarationStatus', ['RECEIVED', 'CHECKED', 'FLAGGED', 'ACCEPTED', 'REJECTED']],
    ['declarationPurpose', DECLARATION_PURPOSES],
    ['declarationSource', DECLARATION_SOURCES],
    ['presentedMatch', PRESENTED_MATCHES],
    ['keurmerkStatus', ['NONE', ...KEURMERK_EVENT_STATUSES]],
    ['measureKind', MEASURE_KINDS],
    ['importKind', IMPORT_KINDS],
    ['importStatus', ['QUEUED', 'RUNNING', 'DONE', 'FAILED']],
    ['role', ROLES],
    ['funding', FUNDINGS],
    ['route', ROUTES],
    ['keurmerkGrounds', KEURMERK_GROUNDS],
    ['signalReceiver', SIGNAL_RECEIVERS],
    ['signalSource', SIGNAL_SOURCES],
    ['signalCategory', SIGNAL_CATEGORIES],
    ['signalStatus', SIGNAL_STATUSES],
    ['signalOutcome', SIGNAL_OUTCOMES],
    ['signalAction', ['RECEIVED', ...SIGNAL_ACTIONS]],
    ['sharePartner', SHARE_PARTNERS],
    ['applicationKind', APPLICATION_KINDS],
    ['applicationStatus', APPLICATION_STATUSES],
    ['inspectionKind', INSPECTION_KINDS],
    ['inspectionOutcome', INSPECTION_OUTCOMES],
    ['lessonMode', LESSON_MODES],
  ];

  it.each(vocabularies)('has a Dutch word for every %s', (vocabulary, codes) => {
    const words: Record<string, string> = LABELS[vocabulary];
    expect(codes.filter((code) => !Object.hasOwn(words, code))).toEqual([]);
    for (const code of codes) expect(words[code].trim()).not.toBe('');
  });

  it('uses the terms CONSOLE.md fixes for severities and flag statuses', () => {
    expect(SEVERITIES.map((s) => label('severity', s))).toEqual(['Laag', 'Midden', 'Hoog']);
    expect(FLAG_STATUSES.map((s) => label('flagStatus', s))).toEqual([
      'Open',
      'In behandeling',
      'Bevestigd',
      'Afgewezen',
      'Ingetrokken',
    ]);
  });

  it('shows an unknown code as itself, never blank, and never an inherited property', () => {
    expect(label('severity', 'CRITICAL')).toBe('CRITICAL');
    expect(label('severity', 'constructor')).toBe('constructor');
    expect(label('severity', null)).toBe('');
  });
});
