import { InspectionKind } from '../inspections/inspection.entity';
import { KeurmerkGrounds } from '../schools/school.entity';
import { SignalCategory, SignalReceiver, SignalSource } from '../signals/signal.entity';

/** Suspensions or withdrawals by their grounds; `unspecified` counts those recorded without grounds. */
export type SanctionCounts = Record<KeurmerkGrounds | 'unspecified', number>;

/**
 * The half-yearly supervision figures as the minister reports them (002 D.2.1): every key of every
 * breakdown present, zero included. Periods include both ends.
 */
export class SupervisionReport {
  from: string;
  to: string;
  /** Signals received in the period (by receivedOn), per receiver. */
  signals: Record<SignalReceiver, number>;
  signalsBySource: Record<SignalSource, number>;
  signalsByCategory: Record<SignalCategory, number>;
  /** Of the signals received in the period: those referred to the NLA. */
  referredToNla: number;
  /** Of the signals received in the period: those shared with a chain partner. */
  sharedWithChainPartners: number;
  /** SUSPENDED keurmerk events taking effect in the period, by grounds. */
  suspensions: SanctionCounts;
  /** WITHDRAWN keurmerk events taking effect in the period, by grounds. */
  withdrawals: SanctionCounts;
  /** Aspirant applications refused in the period (by decidedOn). */
  aspirantApplicationsRefused: number;
  /** Keurmerk applications refused in the period (by decidedOn). */
  keurmerkApplicationsRefused: number;
  /** Inspections visited in the period, per kind. */
  inspections: Record<InspectionKind, number>;
}
