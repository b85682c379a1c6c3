import { Module } from '@nestjs/common';
import { SubmissionsService } from './submissions.service';

/** Shared plumbing of the school-submission modules (teachers, groups, lessons, contracts, invoices, declarations). */
@Module({ providers: [SubmissionsService], exports: [SubmissionsService] })
export class SubmissionsModule {}
