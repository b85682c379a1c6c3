import { IsIn, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/http/validators';

export const DUO_IMPORT_TYPES = {
  'loan-accounts': 'LOAN_ACCOUNTS',
  payments: 'PAYMENTS',
  contracts: 'CONTRACTS',
  'exam-results': 'EXAM_RESULTS',
} as const;

export class DuoImportQuery {
  @IsIn(Object.keys(DUO_IMPORT_TYPES))
  type: keyof typeof DUO_IMPORT_TYPES;
}

export class ListPaymentsQuery extends PageQuery {
  @IsOptional()
  @Matches(/^\d{8}$/, { message: 'schoolKvk must be 8 digits' })
  schoolKvk?: string;

  @IsOptional()
  @MaxLength(100)
  invoiceNumber?: string;

  @IsOptional()
  @IsUUID()
  learnerId?: string;
}

export interface DuoPaymentResponse {
  id: string;
  learnerId: string;
  schoolKvk: string;
  contractReference: string;
  invoiceNumber: string;
  amountCents: number;
  paidOn: string;
  importId: string | null;
}

export class ListDuoContractsQuery extends PageQuery {
  @IsOptional()
  @Matches(/^\d{8}$/, { message: 'schoolKvk must be 8 digits' })
  schoolKvk?: string;

  @IsOptional()
  @IsUUID()
  learnerId?: string;
}

/** One of DUO's own contract records (a loan-paid course), as imported. */
export interface DuoContractResponse {
  id: string;
  learnerId: string;
  schoolKvk: string;
  contractReference: string;
  startDate: string;
  endDate: string;
  hours: number;
  priceCents: number;
  importId: string | null;
}
