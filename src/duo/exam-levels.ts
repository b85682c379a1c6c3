/** The four components of the integration exam (inburgeringsexamen) DUO reports a result for. */
export const EXAM_COMPONENTS = ['READING', 'LISTENING', 'WRITING', 'SPEAKING'] as const;
export type ExamComponent = (typeof EXAM_COMPONENTS)[number];

/** The levels of an exam result, lowest first: their order is what "below a level" means. */
export const EXAM_LEVELS = ['BELOW_A1', 'A1', 'A2', 'B1', 'B2'] as const;
export type ExamLevel = (typeof EXAM_LEVELS)[number];
