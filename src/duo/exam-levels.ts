/** The exam components and levels DUO reports: shared vocabulary (the rules judge them too). */
export { EXAM_COMPONENTS, EXAM_LEVELS } from '../common/vocabulary';
export type { ExamComponent, ExamLevel } from '../common/vocabulary';
