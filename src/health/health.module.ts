import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { WorkerHeartbeat } from './worker-heartbeat.service';

@Module({ controllers: [HealthController], providers: [WorkerHeartbeat], exports: [WorkerHeartbeat] })
export class HealthModule {}
