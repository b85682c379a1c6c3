import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/auth/actor';
import { maskBsn } from '../common/bsn/bsn';
import { BsnCryptoService } from '../common/bsn/bsn-crypto.service';
import { NotFoundProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { SqlParams } from '../database/sql-params';
import { Learner } from './learner.entity';
import { LearnerBsnView, LearnerResponse, ListLearnersQuery } from './learners.dto';

@Injectable()
export class LearnersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crypto: BsnCryptoService,
  ) {}

  /**
   * The learner ids of these BSNs, creating learners that do not exist yet (a learner exists once any
   * record names the BSN). Concurrent requests naming the same new BSN agree on one learner: an insert
   * that meets another transaction's new row waits for it and skips, and that row is outside this
   * statement's snapshot, so a second statement (a new snapshot) reads what the first one missed.
   */
  async resolveIds(manager: EntityManager, bsns: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(bsns)];
    if (unique.length === 0) return new Map();
    const protectedBsns = unique.map((bsn) => this.crypto.protect(bsn));
    const hashes = protectedBsns.map((p) => p.hash);
    const rows: { id: string; bsn_hash: Buffer }[] = await manager.query(
      `WITH input AS (
         SELECT * FROM unnest($1::bytea[], $2::bytea[], $3::text[]) AS i(bsn_hash, bsn_ciphertext, bsn_last4)
       ), inserted AS (
         INSERT INTO learners (bsn_hash, bsn_ciphertext, bsn_last4)
         SELECT bsn_hash, bsn_ciphertext, bsn_last4 FROM input
         ON CONFLICT (bsn_hash) DO NOTHING
         RETURNING id, bsn_hash
       )
       SELECT id, bsn_hash FROM inserted
       UNION ALL
       SELECT l.id, l.bsn_hash FROM learners l JOIN input i USING (bsn_hash)`,
      [hashes, protectedBsns.map((p) => p.ciphertext), protectedBsns.map((p) => p.last4)],
    );
    const idByHash = new Map(rows.map((row) => [row.bsn_hash.toString('hex'), row.id]));
    const missed = hashes.filter((hash) => !idByHash.has(hash.toString('hex')));
    if (missed.length > 0) {
      const late: { id: string; bsn_hash: Buffer }[] = await manager.query(
        `SELECT id, bsn_hash FROM learners WHERE bsn_hash = ANY($1::bytea[])`,
        [missed],
      );
      for (const row of late) idByHash.set(row.bsn_hash.toString('hex'), row.id);
    }
    return new Map(unique.map((bsn, i) => [bsn, idByHash.get(hashes[i].toString('hex')) as string]));
  }

  /**
   * A CTE `learner(id)` of the statement that writes a record naming this BSN: the learner, created when it does
   * not exist yet. Two statements creating the same new learner meet in ON CONFLICT, where the later one waits
   * for the earlier and updates (and so returns) its row, which its own snapshot could not see.
   */
  learnerCte(sql: SqlParams, bsn: string): string {
    const { hash, ciphertext, last4 } = this.crypto.protect(bsn);
    const bsnHash = sql.add(hash, 'bytea');
    return `existing_learner AS (SELECT id FROM learners WHERE bsn_hash = ${bsnHash}),
       new_learner AS (
         INSERT INTO learners (bsn_hash, bsn_ciphertext, bsn_last4)
         SELECT ${bsnHash}, ${sql.add(ciphertext, 'bytea')}, ${sql.add(last4, 'text')} WHERE NOT EXISTS (SELECT FROM existing_learner)
         ON CONFLICT (bsn_hash) DO UPDATE SET bsn_hash = EXCLUDED.bsn_hash
         RETURNING id),
       learner AS (SELECT id FROM existing_learner UNION ALL SELECT id FROM new_learner)`;
  }

  async resolveId(manager: EntityManager, bsn: string): Promise<string> {
    return (await this.resolveIds(manager, [bsn])).get(bsn) as string;
  }

  /** The BSN fields of a response for this actor; pass the ciphertext only when it was selected. */
  bsnView(actor: Actor, learner: { bsnLast4: string; bsnCiphertext?: Buffer }): LearnerBsnView {
    const view: LearnerBsnView = { bsnMasked: maskBsn(learner.bsnLast4) };
    if (actor.role === 'DUO' && learner.bsnCiphertext) view.bsn = this.crypto.reveal(learner.bsnCiphertext);
    return view;
  }

  async list(actor: Actor, query: ListLearnersQuery): Promise<Page<LearnerResponse>> {
    const qb = this.dataSource
      .createQueryBuilder(Learner, 'l')
      .addSelect('l.bsnCiphertext')
      .orderBy('l.createdAt')
      .addOrderBy('l.id');
    if (query.bsn) qb.where('l.bsnHash = :hash', { hash: this.crypto.blindIndex(query.bsn) });
    const [items, total] = await qb
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return pageOf(
      items.map((l) => this.toResponse(actor, l)),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<LearnerResponse> {
    const learner = await this.dataSource
      .createQueryBuilder(Learner, 'l')
      .addSelect('l.bsnCiphertext')
      .where('l.id = :id', { id })
      .getOne();
    if (!learner) throw new NotFoundProblem('Learner');
    return this.toResponse(actor, learner);
  }

  private toResponse(actor: Actor, learner: Learner): LearnerResponse {
    return {
      id: learner.id,
      ...this.bsnView(actor, learner),
      cohortYear: learner.cohortYear,
      loanLimitCents: learner.loanLimitCents,
      termEndsOn: learner.termEndsOn,
      stillObliged: learner.stillObliged,
    };
  }
}
