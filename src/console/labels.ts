/**
 * The console's Dutch words for the API's codes (CONSOLE.md "Terms on screen"). One table per vocabulary;
 * `label` falls back to the code itself, so a value added later shows up as its code, never as blank
 * (labels.spec.ts makes sure every value we know has a word).
 */
export const LABELS = {
  severity: { LOW: 'Laag', MEDIUM: 'Midden', HIGH: 'Hoog' },
  flagStatus: {
    OPEN: 'Open',
    IN_REVIEW: 'In behandeling',
    CONFIRMED: 'Bevestigd',
    DISMISSED: 'Afgewezen',
    WITHDRAWN: 'Ingetrokken',
  },
  flagEvent: {
    RAISED: 'Gesignaleerd',
    RECONFIRMED: 'Opnieuw vastgesteld',
    ASSIGNED: 'Toegewezen',
    DECIDED: 'Besloten',
    WITHDRAWN: 'Ingetrokken',
    REOPENED: 'Heropend',
    HEARING_REQUESTED: 'Zienswijze gevraagd',
    HEARING_ANSWERED: 'Zienswijze ingediend',
    DECISION_PROPOSED: 'Besluit voorgesteld',
    DECISION_APPROVED: 'Besluit goedgekeurd',
    DECISION_REJECTED: 'Besluit afgekeurd',
  },
  decisionOutcome: { CONFIRMED: 'Bevestigd', DISMISSED: 'Afgewezen' },
  subjectType: {
    HOURS_DECLARATION: 'Urenverklaring',
    INVOICE: 'Factuur',
    LESSON: 'Les',
    LEARNER: 'Inburgeraar',
    SCHOOL_YEAR: 'Meetjaar van de school',
    DUO_PAYMENT: 'DUO-betaling',
  },
  recordType: {
    HOURS_DECLARATION: 'Urenverklaringen',
    INVOICE: 'Facturen',
    LESSON: 'Lessen',
    CONTRACT: 'Contracten',
    DUO_PAYMENT: 'DUO-betalingen',
    DUO_CONTRACT: 'DUO-contracten',
    LEARNER: 'Inburgeraars',
    TEACHER: 'Docenten',
    GROUP: 'Groepen',
    KEURMERK_EVENT: 'Keurmerkbesluiten',
    MEASURE: 'Maatregelen',
    EXAM_RESULT: 'Examenresultaten',
  },
  rule: {
    DECLARATION_WITHOUT_DUO_CONTRACT: 'Urenverklaring zonder contract bij DUO',
    DECLARED_HOURS_EXCEED_ATTENDANCE: 'Meer uren verklaard dan gevolgd',
    DECLARED_HOURS_EXCEED_CONTRACT: 'Meer uren verklaard dan gecontracteerd',
    DECLARATION_OUTSIDE_KEURMERK: 'Urenverklaring buiten geldig keurmerk',
    INVOICE_EXCEEDS_CONTRACT: 'Factuur boven het contract',
    INVOICED_HOURS_EXCEED_ATTENDANCE: 'Meer uren gefactureerd dan gevolgd',
    INVOICE_OUTSIDE_KEURMERK: 'Factuur buiten geldig keurmerk',
    INVOICE_AMOUNT_MISMATCH: 'DUO betaalde een ander bedrag',
    PAYMENT_WITHOUT_INVOICE: 'DUO-betaling zonder factuur',
    QUARTERLY_CAP_EXCEEDED: 'Kwartaalmaximum overschreden',
    LOAN_LIMIT_EXCEEDED: 'Leenlimiet overschreden',
    GROUP_SIZE_EXCEEDED: 'Groep groter dan toegestaan',
    LEARNER_DOUBLE_BOOKED: 'Inburgeraar dubbel geboekt',
    TEACHER_DOUBLE_BOOKED: 'Docent dubbel geboekt',
    ATTENDANCE_WITHOUT_CONTRACT: 'Lessen zonder contract',
    CERTIFIED_LESSON_SHARE_BELOW_NORM: 'Minder dan 80% lessen door gecertificeerde docenten',
    PRESENTED_DECLARATION_NOT_REGISTERED: 'Getoonde urenverklaring niet in het register',
    RESULTS_BELOW_REGISTERED_HOURS: 'Examenresultaten ver onder de verklaarde uren',
  },
  exemptionStatus: {
    READY_FOR_DECISION: 'Gereed voor besluit',
    AWAITING_SCHOOL: 'Wacht op taalschool',
    AWAITING_LEARNER_EVIDENCE: 'Wacht op bewijs van de inburgeraar',
    INTENDED_REFUSAL: 'Voornemen tot weigering',
    GRANTED: 'Verleend',
    REFUSED: 'Geweigerd',
  },
  exemptionGrounds: {
    AGI: 'Aantoonbaar geleverde inspanningen (AGI)',
    MEDICAL: 'Medische gronden',
    AVI: 'AVI',
  },
  exemptionAction: {
    REGISTER: 'Geregistreerd',
    REQUEST_LEARNER_EVIDENCE: 'Bewijs gevraagd aan de inburgeraar',
    RECORD_LEARNER_EVIDENCE: 'Bewijs van de inburgeraar vastgelegd',
    ANNOUNCE_INTENDED_REFUSAL: 'Voornemen tot weigering',
    GRANT: 'Verleend',
    REFUSE: 'Geweigerd',
    SCHOOL_CONFIRMED: 'Taalschool bevestigde de urenverklaring',
    SCHOOL_DENIED: 'Taalschool ontkende de urenverklaring',
    EXPIRE: 'Taalschool antwoordde niet op tijd',
    CANCEL: 'Bevestigingsverzoek vervallen',
  },
  confirmationStatus: {
    PENDING: 'Wacht op antwoord',
    CONFIRMED: 'Afgegeven',
    DENIED: 'Niet afgegeven',
    EXPIRED: 'Verlopen',
    CANCELLED: 'Vervallen',
  },
  declarationStatus: {
    RECEIVED: 'Ontvangen',
    CHECKED: 'Gecontroleerd',
    FLAGGED: 'Gesignaleerd',
    ACCEPTED: 'Geaccepteerd',
    REJECTED: 'Afgewezen',
  },
  declarationPurpose: { AGI: 'AGI', ONA: 'ONA' },
  declarationSource: { SCHOOL: 'Geregistreerd bij de school', PRESENTED: 'Overgelegd door de inburgeraar' },
  presentedMatch: { REGISTERED: 'Gevonden in het register', NOT_REGISTERED: 'Niet in het register' },
  keurmerkStatus: {
    NONE: 'Geen keurmerk',
    ASPIRANT: 'Aspirant-keurmerk',
    GRANTED: 'Keurmerk',
    SUSPENDED: 'Geschorst',
    WITHDRAWN: 'Ingetrokken',
  },
  measureKind: {
    EXPERIENCED_TEACHERS: 'Ervaren docenten',
    TEACHERS_IN_TRAINING: 'Docenten in opleiding',
    DEFERRED_ENFORCEMENT: 'Uitgestelde handhaving (personeelsplan)',
    GROUP_SIZE_LENIENCY: 'Coulance groepsgrootte',
  },
  importStatus: { QUEUED: 'In de wachtrij', RUNNING: 'Bezig', DONE: 'Klaar', FAILED: 'Mislukt' },
  importKind: {
    LESSONS: 'Lessen',
    LOAN_ACCOUNTS: 'Leningen (DUO)',
    PAYMENTS: 'Betalingen (DUO)',
    CONTRACTS: 'Contracten (DUO)',
    EXAM_RESULTS: 'Examenresultaten (DUO)',
  },
  role: { ADMIN: 'Beheerder', AUDITOR: 'Auditor Blik op Werk', DUO: 'DUO-medewerker', SCHOOL: 'Taalschool' },
  funding: { DUO_LOAN: 'DUO-lening', SELF: 'Zelfbetaler', MUNICIPALITY: 'Gemeente' },
  route: { B1: 'B1-route', Z: 'Z-route', ALFA: 'Alfa-route', ONDERWIJS: 'Onderwijsroute', WI2013: 'Wi2013' },
  lessonMode: { IN_PERSON: 'Op school', ONLINE_AT_SCHOOL: 'Online op school', REMOTE: 'Op afstand' },
} as const satisfies Record<string, Record<string, string>>;

export type Vocabulary = keyof typeof LABELS;

/** The Dutch word for a code; the code itself when none is known. */
export function label(vocabulary: Vocabulary, code: string | null | undefined): string {
  if (code === null || code === undefined) return '';
  const words: Record<string, string> = LABELS[vocabulary];
  return Object.hasOwn(words, code) ? words[code] : code;
}
