import {
  IsIn,
  isIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  isUUID,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { IsBsn, IsDateOnly, PageQuery } from '../common/http/validators';
import {
  SHARE_PARTNERS,
  SharePartner,
  SIGNAL_ACTIONS,
  SIGNAL_CATEGORIES,
  SIGNAL_OUTCOMES,
  SIGNAL_RECEIVERS,
  SIGNAL_SOURCES,
  SIGNAL_STATUSES,
  SignalAction,
  SignalCategory,
  SignalOutcome,
  SignalReceiver,
  SignalSource,
  SignalStatus,
} from './signal.entity';

export class CreateSignalDto {
  @IsIn(SIGNAL_RECEIVERS)
  receivedBy: SignalReceiver;

  @IsIn(SIGNAL_SOURCES)
  source: SignalSource;

  @IsIn(SIGNAL_CATEGORIES)
  category: SignalCategory;

  @IsDateOnly()
  receivedOn: string;

  @IsString()
  @Matches(/\S/, { message: 'description must not be blank' })
  @MaxLength(10_000)
  description: string;

  /** The school the signal is about, where known. */
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  /** The learner the signal is about, where known (stored protected, shown masked). */
  @IsOptional()
  @IsBsn()
  learnerBsn?: string;
}

export class ListSignalsQuery extends PageQuery {
  @IsOptional()
  @IsIn(SIGNAL_STATUSES)
  status?: SignalStatus;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsIn(SIGNAL_RECEIVERS)
  receivedBy?: SignalReceiver;

  @IsOptional()
  @IsIn(SIGNAL_CATEGORIES)
  category?: SignalCategory;
}

export class SignalIdParam {
  @IsUUID()
  id: string;
}

/** A field that belongs to one action: required with it (and valid), refused with any other. */
function OnlyWith(action: SignalAction, valid: (value: unknown) => boolean, what: string): PropertyDecorator {
  return ValidateBy({
    name: 'onlyWith',
    validator: {
      validate: (value, args) =>
        (args?.object as SignalActionDto).action === action ? valid(value) : value === undefined,
      defaultMessage: (args) =>
        (args?.object as SignalActionDto).action === action
          ? `${args?.property} must be ${what}`
          : `${args?.property} belongs to action ${action} only`,
    },
  });
}

export class SignalActionDto {
  @IsIn(SIGNAL_ACTIONS)
  action: SignalAction;

  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @IsNotEmpty()
  @MaxLength(4000)
  reason: string;

  /** LINK_FLAG: the flag (signalering) this signal corroborates. */
  @OnlyWith('LINK_FLAG', (v) => isUUID(v), 'a UUID')
  flagId?: string;

  /** SHARE: the chain partner it is shared with. */
  @OnlyWith('SHARE', (v) => isIn(v, SHARE_PARTNERS), `one of ${SHARE_PARTNERS.join(', ')}`)
  with?: SharePartner;

  /** CLOSE: how it ended. */
  @OnlyWith('CLOSE', (v) => isIn(v, SIGNAL_OUTCOMES), `one of ${SIGNAL_OUTCOMES.join(', ')}`)
  outcome?: SignalOutcome;
}

export class SignalTimelineEntry {
  at: Date;
  /** RECEIVED, LINK_FLAG, SHARE, REFER_TO_NLA or CLOSE. */
  action: string;
  /** The user who took the step. */
  by: string | null;
  reason: string | null;
  /** flagId, with or outcome, as the action had them. */
  details: object | null;
}

export class SignalResponse {
  id: string;
  receivedBy: SignalReceiver;
  source: SignalSource;
  category: SignalCategory;
  receivedOn: string;
  description: string;
  schoolId: string | null;
  learnerId: string | null;
  /** The learner's BSN masked; null without a learner. */
  bsnMasked: string | null;
  /** DUO only. */
  bsn?: string;
  status: SignalStatus;
  outcome: SignalOutcome | null;
  flagIds: string[];
  createdBy: string | null;
  createdAt: Date;
}

export class SignalDetailResponse extends SignalResponse {
  timeline: SignalTimelineEntry[];
}
