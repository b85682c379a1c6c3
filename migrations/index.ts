import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { ExemptionRequestedOn1763900600000 } from './1763900600000-exemption-requested-on';
import { RuleCatalogue1763901000000 } from './1763901000000-rule-catalogue';
import { AttendanceWithoutRowTriggers1763903000000 } from './1763903000000-attendance-without-row-triggers';
import { LessonReferencesWithinSchool1763904000000 } from './1763904000000-lesson-references-within-school';
import { AttendanceKeyedByLearner1763904500000 } from './1763904500000-attendance-keyed-by-learner';
import { KeurmerkEventGrounds1763915000000 } from './1763915000000-keurmerk-event-grounds';
import { Supervision1763915100000 } from './1763915100000-supervision';
import { DuoVerification1764000000000 } from './1764000000000-duo-verification';
import { ConsoleSessions1764600000000 } from './1764600000000-console-sessions';
import { Hardening1764700000000 } from './1764700000000-hardening';
import { ExamResults1764800000000 } from './1764800000000-exam-results';
import { PresentedDeclarationRule1764810000000 } from './1764810000000-presented-declaration-rule';
import { FlagCaseWork1764820000000 } from './1764820000000-flag-case-work';
import { PendingChecksAppendOnly1764830000000 } from './1764830000000-pending-checks-append-only';
import { TeacherLessonsCoveringIndex1764840000000 } from './1764840000000-teacher-lessons-covering-index';
import { CheckRunUnitDurations1764850000000 } from './1764850000000-check-run-unit-durations';
import { LessonAttendeeCounts1764860000000 } from './1764860000000-lesson-attendee-counts';

/** Every migration, in order. Listed explicitly so the API, worker, CLI and tests load the same set. */
export const migrations = [
  InitialSchema1763900000000,
  ExemptionRequestedOn1763900600000,
  RuleCatalogue1763901000000,
  AttendanceWithoutRowTriggers1763903000000,
  LessonReferencesWithinSchool1763904000000,
  AttendanceKeyedByLearner1763904500000,
  KeurmerkEventGrounds1763915000000,
  Supervision1763915100000,
  DuoVerification1764000000000,
  ConsoleSessions1764600000000,
  Hardening1764700000000,
  ExamResults1764800000000,
  PresentedDeclarationRule1764810000000,
  FlagCaseWork1764820000000,
  PendingChecksAppendOnly1764830000000,
  TeacherLessonsCoveringIndex1764840000000,
  CheckRunUnitDurations1764850000000,
  LessonAttendeeCounts1764860000000,
];
