import { checkRun, checksSettled, FlagBody, flags, flagsOn, onlyFlagOn } from './support/checks';
import {
  importCsv,
  newContract,
  newDeclaration,
  newGroup,
  newLesson,
  newSchoolWithUser,
  SchoolWithUser,
  newTeacher,
  validBsn,
} from './support/factories';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';
const NO_DUO_CONTRACT = 'DECLARATION_WITHOUT_DUO_CONTRACT';
const NOT_REGISTERED = 'PRESENTED_DECLARATION_NOT_REGISTERED';

/**
 * DUO's verification of hours declarations through the real API and worker: the severity of "no contract at DUO"
 * by the funding of the school's contracts, PRESENTED_DECLARATION_NOT_REGISTERED raised as DUO records a
 * presented declaration (and who may read it), and legal certainty: a granted case's declarations are left alone.
 */
describe('declarations: severity by funding, presented declarations, legal certainty', () => {
  let t: TestApp;
  let auditor: TestUser;
  let duo: TestUser;
  let a: SchoolWithUser;
  let b: SchoolWithUser;
  let seq = 9100;
  const bsn = () => validBsn(seq++);

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    [auditor, duo] = [await t.user('AUDITOR'), await t.user('DUO')];
    a = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    b = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
  });
  afterAll(() => t.close());

  const noDuoContractFlags = (declarationId: string) => flagsOn(t, auditor, NO_DUO_CONTRACT, declarationId);
  const contract = (learnerBsn: string, funding: 'DUO_LOAN' | 'SELF' | 'MUNICIPALITY', over = {}) =>
    newContract(t, a.schoolUser, { learnerBsn, funding, ...over });
  const register = (body: object) =>
    t.http
      .post(`${API}/exemptions`)
      .set(...bearer(duo))
      .send({ grounds: 'MEDICAL', ...body })
      .expect(201)
      .then((r) => r.body);
  const paper = (schoolKvk: string, over = {}) => ({
    schoolKvk,
    purpose: 'AGI',
    periodStart: '2024-01-01',
    periodEnd: '2024-06-30',
    hours: 100,
    issuedOn: '2024-07-01',
    ...over,
  });

  describe('DECLARATION_WITHOUT_DUO_CONTRACT severity by the funding of the school’s contracts', () => {
    it('is HIGH without any school contract overlapping the period (one outside it does not count)', async () => {
      const learner = bsn();
      await contract(learner, 'DUO_LOAN', { startDate: '2023-01-01', endDate: '2023-12-31' });
      const declaration = await newDeclaration(t, a.schoolUser, { learnerBsn: learner });
      const found = await noDuoContractFlags(declaration.id);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ severity: 'HIGH', status: 'OPEN', schoolId: a.school.id });
      expect(found[0].explanation).toContain(
        'registered no contract with the learner for that period either',
      );
      expect(found[0].evidence).toMatchObject({ schoolContracts: 0, duoLoanContracts: 0 });
    });

    it('is MEDIUM with an overlapping DUO_LOAN contract, also next to a SELF one', async () => {
      const learner = bsn();
      const loan = await contract(learner, 'DUO_LOAN');
      const self = await contract(learner, 'SELF', { startDate: '2024-03-01' });
      const declaration = await newDeclaration(t, a.schoolUser, { learnerBsn: learner });
      const found = await noDuoContractFlags(declaration.id);
      expect(found).toHaveLength(1);
      expect(found[0].severity).toBe('MEDIUM');
      expect(found[0].explanation).toContain(
        `2 contract(s) with the learner overlapping that period (${loan.reference} DUO_LOAN, ${self.reference} SELF)`,
      );
      expect(found[0].evidence).toMatchObject({ schoolContracts: 2, duoLoanContracts: 1 });
    });

    it('is LOW when all overlapping contracts are SELF or MUNICIPALITY funded, and MEDIUM on a re-check once a DUO_LOAN one is added', async () => {
      const learner = bsn();
      await contract(learner, 'SELF', { endDate: '2024-02-29' });
      await contract(learner, 'MUNICIPALITY', { startDate: '2024-03-01' });
      const declaration = await newDeclaration(t, a.schoolUser, { learnerBsn: learner });
      const found = await noDuoContractFlags(declaration.id);
      expect(found).toHaveLength(1);
      expect(found[0].severity).toBe('LOW');
      expect(found[0].explanation).toContain(
        'none paid from a DUO loan, which DUO cannot know, so the severity is LOW',
      );

      await contract(learner, 'DUO_LOAN', { startDate: '2024-06-01' });
      const after = await noDuoContractFlags(declaration.id);
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({ id: found[0].id, status: 'OPEN', severity: 'MEDIUM' });
      const detail = await t.http
        .get(`${API}/flags/${found[0].id}`)
        .set(...bearer(auditor))
        .expect(200);
      expect(detail.body.history.map((e: { action: string }) => e.action)).toEqual(['RAISED', 'RECONFIRMED']);
      expect(detail.body.history[1].details).toEqual({ severity: 'MEDIUM' });
    });
  });

  describe('PRESENTED_DECLARATION_NOT_REGISTERED', () => {
    const flagsOnDeclaration = async (user: TestUser, declarationId: string) => {
      await checksSettled(t);
      return flags(t, user, { subjectId: declarationId });
    };

    it('flags a presented declaration no registered one matches as soon as DUO records it, HIGH, naming what was presented', async () => {
      const learner = bsn();
      const created = await register({
        learnerBsn: learner,
        presentedDeclarations: [paper(b.school.kvkNumber)],
      });
      const [{ declarationId, match }] = created.presentedDeclarations;
      expect(match).toBe('NOT_REGISTERED');
      const found = await flagsOn(t, auditor, NOT_REGISTERED, declarationId);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        severity: 'HIGH',
        status: 'OPEN',
        schoolId: b.school.id,
        subjectType: 'HOURS_DECLARATION',
        period: { from: '2024-01-01', to: '2024-06-30' },
      });
      expect(found[0].explanation).toMatch(
        new RegExp(
          `in the name of .+ \\(KvK ${b.school.kvkNumber}\\): AGI, 2024-01-01\\.\\.2024-06-30, 100 h, issued on 2024-07-01\\. No declaration in the school's register matches it`,
        ),
      );
      expect(found[0].evidence).toMatchObject({
        schoolKvk: b.school.kvkNumber,
        registeredSchool: true,
        purpose: 'AGI',
        periodStart: '2024-01-01',
        periodEnd: '2024-06-30',
        hours: 100,
        issuedOn: '2024-07-01',
        registeredMatches: 0,
        records: [{ type: 'HOURS_DECLARATION', id: declarationId, schoolId: b.school.id }],
      });
      // Of the declaration rules only "no contract at DUO" judges a presented paper too (HIGH: no contract either);
      // attendance, contracted hours and keurmerk judge the school's own register.
      const all = await flagsOnDeclaration(auditor, declarationId);
      expect(all.map((f) => [f.rule, f.severity]).sort()).toEqual([
        [NO_DUO_CONTRACT, 'HIGH'],
        [NOT_REGISTERED, 'HIGH'],
      ]);
    });

    it('does not flag a presented declaration that matches the register, and withdraws the flag once the school files the matching one', async () => {
      const learner = bsn();
      const registered = await newDeclaration(t, a.schoolUser, { learnerBsn: learner, hours: 80 });
      const matched = await register({
        learnerBsn: learner,
        presentedDeclarations: [paper(a.school.kvkNumber, { hours: 80 })],
      });
      expect(matched.presentedDeclarations[0]).toMatchObject({
        declarationId: registered.id,
        match: 'REGISTERED',
      });
      expect(await flagsOn(t, auditor, NOT_REGISTERED, registered.id)).toHaveLength(0);

      const later = await register({
        learnerBsn: learner,
        presentedDeclarations: [paper(a.school.kvkNumber, { hours: 90 })],
      });
      const presentedId = later.presentedDeclarations[0].declarationId;
      const raised = await onlyFlagOn(t, auditor, NOT_REGISTERED, presentedId);
      expect(raised.evidence).toMatchObject({ registeredDeclarationsOfLearner: 1 });
      await newDeclaration(t, a.schoolUser, { learnerBsn: learner, hours: 90 });
      const after = await flagsOn(t, auditor, NOT_REGISTERED, presentedId);
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({ id: raised.id, status: 'WITHDRAWN' });
    });

    it('shows a school the flags of its own presented declarations, redacted; never another school’s, nor those of a KvK that is no school', async () => {
      const learner = bsn();
      const unknownKvk = '55590017';
      const created = await register({
        learnerBsn: learner,
        presentedDeclarations: [
          paper(a.school.kvkNumber, { hours: 70 }),
          paper(b.school.kvkNumber, { hours: 71, periodStart: '2023-01-01', periodEnd: '2023-06-30' }),
          paper(unknownKvk, { hours: 72, purpose: 'ONA' }),
        ],
      });
      const [atA, atB, atUnknown] = created.presentedDeclarations.map(
        (p: { declarationId: string }) => p.declarationId,
      );
      const forA = await onlyFlagOn(t, auditor, NOT_REGISTERED, atA);
      const forB = await onlyFlagOn(t, auditor, NOT_REGISTERED, atB);
      const forUnknown = await onlyFlagOn(t, auditor, NOT_REGISTERED, atUnknown);
      expect(forUnknown).toMatchObject({ schoolId: null, severity: 'HIGH' });
      expect(forUnknown.explanation).toContain(
        `in the name of KvK ${unknownKvk}, which is no registered school: ONA`,
      );
      expect(forUnknown.evidence).toMatchObject({
        schoolKvk: unknownKvk,
        registeredSchool: false,
        schoolName: null,
      });

      const seenByA = await flags(t, a.schoolUser, { rule: NOT_REGISTERED });
      expect(seenByA.map((f) => f.id)).toContain(forA.id);
      expect(seenByA.map((f) => f.id)).not.toContain(forB.id);
      expect(seenByA.map((f) => f.id)).not.toContain(forUnknown.id);
      expect(seenByA.every((f: FlagBody) => f.schoolId === a.school.id)).toBe(true);
      const own = await t.http
        .get(`${API}/flags/${forA.id}`)
        .set(...bearer(a.schoolUser))
        .expect(200);
      expect(own.body.evidence).toMatchObject({
        records: [{ id: atA, schoolId: a.school.id }],
        redactedRecords: 0,
      });
      for (const other of [forB.id, forUnknown.id])
        await t.http
          .get(`${API}/flags/${other}`)
          .set(...bearer(a.schoolUser))
          .expect(404);
      const seenByB = await flags(t, b.schoolUser, { rule: NOT_REGISTERED });
      expect(seenByB.map((f) => f.id)).toContain(forB.id);
      expect(seenByB.map((f) => f.id)).not.toContain(forA.id);
    });
  });

  describe('legal certainty', () => {
    it('leaves a granted case’s declaration alone: no flag raised, changed or withdrawn by later data, nor by a check run', async () => {
      const s = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
      const learner = bsn();
      const { code: groupCode } = await newGroup(t, s.schoolUser);
      const { reference: teacherReference } = await newTeacher(t, s.schoolUser);
      for (const day of ['2024-02-05', '2024-02-12'])
        await newLesson(t, s.schoolUser, {
          groupCode,
          teacherReference,
          startsAt: `${day}T10:00:00+01:00`,
          endsAt: `${day}T12:00:00+01:00`,
          attendeeBsns: [learner],
        });
      await newContract(t, s.schoolUser, { learnerBsn: learner, funding: 'SELF' });
      const declaration = await newDeclaration(t, s.schoolUser, { learnerBsn: learner, hours: 4 });
      const before = await flagsOn(t, auditor, NO_DUO_CONTRACT, declaration.id);
      expect(before).toHaveLength(1);
      expect(before[0]).toMatchObject({ severity: 'LOW', status: 'OPEN' });

      // Asked, confirmed by the school, granted: the declaration is ACCEPTED.
      const exemption = await register({ learnerBsn: learner, declarationIds: [declaration.id] });
      expect(exemption.status).toBe('AWAITING_SCHOOL');
      const requests = await t.http
        .get(`${API}/confirmation-requests`)
        .set(...bearer(s.schoolUser))
        .expect(200);
      await t.http
        .post(`${API}/confirmation-requests/${requests.body.items[0].id}/response`)
        .set(...bearer(s.schoolUser))
        .send({ issued: true })
        .expect(200);
      await t.http
        .post(`${API}/exemptions/${exemption.id}/actions`)
        .set(...bearer(duo))
        .send({ action: 'GRANT', reason: 'the school confirmed; medical grounds hold' })
        .expect(200);
      const rowsOf = () =>
        t.sql(
          `SELECT f.id, f.rule_code, f.status, f.severity, f.explanation, f.evidence, f.last_checked_at, f.withdrawn_at,
                  (SELECT count(*)::int FROM flag_events e WHERE e.flag_id = f.id) AS events
             FROM flags f WHERE f.subject_id = $1 ORDER BY f.rule_code`,
          [declaration.id],
        );
      const settled = await rowsOf();
      expect(settled).toHaveLength(1);
      const statusOf = async () =>
        (
          await t.sql<{ status: string }>(`SELECT status FROM hours_declarations WHERE id = $1`, [
            declaration.id,
          ])
        )[0].status;
      expect(await statusOf()).toBe('ACCEPTED');

      // Would change the severity (a DUO_LOAN contract: MEDIUM) and raise another flag (contracted hours exceeded
      // would not, so a keurmerk suspension over the period: DECLARATION_OUTSIDE_KEURMERK).
      await newContract(t, s.schoolUser, {
        learnerBsn: learner,
        funding: 'DUO_LOAN',
        hours: 1,
        startDate: '2024-05-01',
      });
      await t.http
        .post(`${API}/schools/${s.school.id}/keurmerk-events`)
        .set(...bearer(auditor))
        .send({ status: 'SUSPENDED', effectiveFrom: '2024-03-01', reason: 'recorded after the decision' })
        .expect(201);
      await checksSettled(t);
      expect(await rowsOf()).toEqual(settled);
      // Would withdraw it: DUO pays on the learner at this school, so a contract is known at DUO.
      await importCsv(
        t,
        duo,
        '/duo/imports?type=payments',
        `bsn,school_kvk,contract_reference,invoice_number,amount_cents,paid_on\n${learner},${s.school.kvkNumber},C-DUO,LC-${learner},5000,2024-08-01\n`,
      );
      await checksSettled(t);
      expect(await rowsOf()).toEqual(settled);
      // A check run of everything, and of the school, changes nothing either.
      await checkRun(t, auditor);
      await checkRun(t, auditor, { schoolId: s.school.id });
      expect(await rowsOf()).toEqual(settled);
      expect(await statusOf()).toBe('ACCEPTED');

      // The same data does flag a new declaration of the school for that period (new checks apply to new cases).
      const fresh = await newDeclaration(t, s.schoolUser, { learnerBsn: learner, hours: 4, purpose: 'ONA' });
      expect(await flagsOn(t, auditor, 'DECLARATION_OUTSIDE_KEURMERK', fresh.id)).toHaveLength(1);
    });
  });
});
