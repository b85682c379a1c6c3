import type { ExemptionStatus } from './exemption.entity';
import type { ExemptionAction } from './exemptions.dto';

/**
 * DUO's actions on an exemption request (DOMAIN.md "The exemption workflow") as one table: the statuses an action
 * may be taken from, the status it leads to (RECORD_LEARNER_EVIDENCE: by whether the evidence was verified), and
 * whether it needs a reason. The routing of step 3 (AWAITING_SCHOOL etc.) is exemption-workflow's `route`.
 */
export const EXEMPTION_TRANSITIONS: Record<
  ExemptionAction,
  { from: readonly ExemptionStatus[]; to: (verified: boolean) => ExemptionStatus; reasonRequired: boolean }
> = {
  REQUEST_LEARNER_EVIDENCE: {
    from: ['AWAITING_SCHOOL', 'READY_FOR_DECISION'],
    to: () => 'AWAITING_LEARNER_EVIDENCE',
    reasonRequired: false,
  },
  RECORD_LEARNER_EVIDENCE: {
    from: ['AWAITING_LEARNER_EVIDENCE'],
    to: (verified) => (verified ? 'READY_FOR_DECISION' : 'INTENDED_REFUSAL'),
    reasonRequired: false,
  },
  ANNOUNCE_INTENDED_REFUSAL: {
    from: ['READY_FOR_DECISION'],
    to: () => 'INTENDED_REFUSAL',
    reasonRequired: true,
  },
  GRANT: { from: ['READY_FOR_DECISION', 'INTENDED_REFUSAL'], to: () => 'GRANTED', reasonRequired: true },
  REFUSE: { from: ['READY_FOR_DECISION', 'INTENDED_REFUSAL'], to: () => 'REFUSED', reasonRequired: true },
};

/** The status `action` leads to from `status`, or null when it may not be taken from there. */
export function exemptionTransition(
  status: ExemptionStatus,
  action: ExemptionAction,
  verified = false,
): ExemptionStatus | null {
  const transition = EXEMPTION_TRANSITIONS[action];
  return transition.from.includes(status) ? transition.to(verified) : null;
}
