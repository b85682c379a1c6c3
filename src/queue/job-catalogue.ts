/**
 * The one typed job catalogue shared by producers (API) and consumers (worker).
 * Payloads carry ids only: never a BSN or any other personal data.
 */
export enum JobName {
  /** Proves a worker is alive and consuming; records the time in Redis (see WorkerHeartbeat). */
  Heartbeat = 'heartbeat',
  /** Runs the checks the pending_checks outbox asks for. Debounced: a burst of submissions costs one run. */
  RunPendingChecks = 'run-pending-checks',
  /** Imports one uploaded CSV file (any kind: see src/imports/import-kind.ts). */
  RunImport = 'run-import',
  /** Moves stalled exemption cases (school did not answer in time, keurmerk withdrawn, open HIGH flag) to the learner. */
  EscalateExemptions = 'escalate-exemptions',
  /**
   * One unit of a check run, a child of the run's flow: one rule over everything (a run of the whole country), or
   * for a run of one school its subjects, or the cross-school learner rules of its learners.
   */
  CheckRunUnit = 'check-run-unit',
  /** The parent of a check run's flow: runs when every unit is done, and closes the run. */
  FinishCheckRun = 'finish-check-run',
  /** Starts the nightly check run of everything. */
  NightlyCheckRun = 'nightly-check-run',
}

export interface JobPayloads {
  [JobName.Heartbeat]: Record<string, never>;
  [JobName.RunPendingChecks]: Record<string, never>;
  [JobName.RunImport]: { importId: string };
  /** `asOf`: the day to measure deadlines on (YYYY-MM-DD); default today in Europe/Amsterdam. */
  [JobName.EscalateExemptions]: { asOf?: string };
  /** `unit`: `rule-<RULE_CODE>` (schoolIds empty), or `school` / `cross-school` (schoolIds: the one school). */
  [JobName.CheckRunUnit]: { checkRunId: string; unit: string; schoolIds: string[] };
  [JobName.FinishCheckRun]: { checkRunId: string };
  [JobName.NightlyCheckRun]: Record<string, never>;
}

/** Queues keep long imports from holding up checks. */
export enum QueueName {
  Imports = 'imports',
  Checks = 'checks',
  Maintenance = 'maintenance',
}

export const queueOfJob: Record<JobName, QueueName> = {
  [JobName.Heartbeat]: QueueName.Maintenance,
  [JobName.RunPendingChecks]: QueueName.Checks,
  [JobName.RunImport]: QueueName.Imports,
  [JobName.EscalateExemptions]: QueueName.Maintenance,
  [JobName.CheckRunUnit]: QueueName.Checks,
  [JobName.FinishCheckRun]: QueueName.Checks,
  [JobName.NightlyCheckRun]: QueueName.Maintenance,
};

/**
 * Jobs the worker schedules itself at start (BullMQ job schedulers, idempotent by id): add an entry
 * for a repeatable job. `every` in milliseconds, or a cron `pattern` (Europe/Amsterdam).
 */
export const repeatableJobs: { name: JobName; every?: number; pattern?: string }[] = [
  { name: JobName.Heartbeat, every: 30_000 },
  { name: JobName.EscalateExemptions, pattern: '15 * * * *' },
  // Reconciler: picks up pending_checks markers whose kick Redis lost (also runs at worker start).
  { name: JobName.RunPendingChecks, every: 10_000 },
  { name: JobName.NightlyCheckRun, pattern: '30 2 * * *' },
];

export type JobHandler<N extends JobName> = (
  payload: JobPayloads[N],
  context: JobContext,
) => Promise<unknown>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };

export interface JobContext {
  jobId: string;
  attemptsMade: number;
  /** This attempt is the job's last (the queue will not retry it): a handler records its failure for good. */
  isLastAttempt: boolean;
  /** Reports progress (0..1) of long jobs. */
  progress(value: number): Promise<void>;
}

/** Retries with exponential backoff, failed jobs kept for inspection, bounded retention. */
export const defaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 14 * 24 * 3600 },
} as const;

export const HEARTBEAT_KEY = 'worker:heartbeat';
