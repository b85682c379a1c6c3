import { checksSettled, flags, flagsOn, onlyFlagOn } from './support/checks';
import {
  importCsv,
  newContract,
  newGroup,
  newInvoice,
  newLesson,
  newSchoolWithUser,
  newTeacher,
  SchoolWithUser,
  validBsn,
} from './support/factories';
import { bearer, TestApp, TestUser } from './support/test-app';

/** The rules on invoices and on DUO's payments, with the DUO data imported through the API. */
describe('checks on invoices and DUO payments', () => {
  let t: TestApp;
  let auditor: TestUser;
  let duo: TestUser;
  let a: SchoolWithUser;
  let bsnSeq = 500;
  const bsn = () => validBsn(bsnSeq++);

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    [auditor, duo] = [await t.user('AUDITOR'), await t.user('DUO')];
    a = await newSchoolWithUser(t, { grantedFrom: '2023-01-01' });
  });
  afterAll(() => t.close());

  const payments = async (rows: [string, string, string, number, string][]) => {
    const csv = [
      'bsn,school_kvk,contract_reference,invoice_number,amount_cents,paid_on',
      ...rows.map(([b, kvk, inv, cents, day]) => `${b},${kvk},C-REF,${inv},${cents},${day}`),
    ];
    const result = await importCsv(t, duo, '/duo/imports?type=payments', csv.join('\n') + '\n');
    expect(result).toMatchObject({ status: 'DONE', rowsRejected: 0 });
    await checksSettled(t);
  };
  const learnerFlags = async (rule: string, learnerId: string) => flagsOn(t, auditor, rule, learnerId);

  describe('INVOICE_EXCEEDS_CONTRACT', () => {
    it('flags the invoice whose running total (in invoice date order) crosses the contract, MEDIUM; not the ones before it', async () => {
      const contract = await newContract(t, a.schoolUser, {
        learnerBsn: bsn(),
        hours: 100,
        priceCents: 150_000,
      });
      // Registered out of order: the 2024-07-01 invoice comes after the 2024-04-01 one in invoice date order.
      const second = await newInvoice(t, a.schoolUser, {
        contractReference: contract.reference,
        invoiceDate: '2024-07-01',
        periodStart: '2024-04-01',
        periodEnd: '2024-06-30',
        hours: 60,
        amountCents: 90_000,
      });
      const first = await newInvoice(t, a.schoolUser, {
        contractReference: contract.reference,
        invoiceDate: '2024-04-01',
        periodStart: '2024-01-01',
        periodEnd: '2024-03-31',
        hours: 60,
        amountCents: 60_000,
      });
      expect(await flagsOn(t, auditor, 'INVOICE_EXCEEDS_CONTRACT', first.id)).toEqual([]);
      const flag = await onlyFlagOn(t, auditor, 'INVOICE_EXCEEDS_CONTRACT', second.id);
      expect(flag).toMatchObject({
        severity: 'MEDIUM',
        schoolId: a.school.id,
        subjectType: 'INVOICE',
        period: { from: '2024-04-01', to: '2024-06-30' },
      });
      expect(flag.explanation).toBe(
        `Invoices on contract ${contract.reference} up to and including this one (2 invoices, in invoice date order) total 120 h and EUR 1,500.00; the contract covers 100 h and EUR 1,500.00, so they exceed its hours.`,
      );
    });

    it('does not flag invoices that add up to exactly the contract', async () => {
      const contract = await newContract(t, a.schoolUser, {
        learnerBsn: bsn(),
        hours: 100,
        priceCents: 150_000,
      });
      const invoice = await newInvoice(t, a.schoolUser, {
        contractReference: contract.reference,
        hours: 100,
        amountCents: 150_000,
      });
      expect(await flagsOn(t, auditor, 'INVOICE_EXCEEDS_CONTRACT', invoice.id)).toEqual([]);
    });
  });

  describe('INVOICED_HOURS_EXCEED_ATTENDANCE', () => {
    it('flags invoiced hours above the hours attended in the invoice period, HIGH; exactly equal does not fire', async () => {
      const group = await newGroup(t, a.schoolUser);
      const teacher = await newTeacher(t, a.schoolUser);
      const learner = bsn();
      await newLesson(t, a.schoolUser, {
        groupCode: group.code,
        teacherReference: teacher.reference,
        startsAt: '2024-02-01T09:00:00+01:00',
        endsAt: '2024-02-01T12:00:00+01:00',
        attendeeBsns: [learner],
      });
      const contract = await newContract(t, a.schoolUser, { learnerBsn: learner });
      const over = await newInvoice(t, a.schoolUser, {
        contractReference: contract.reference,
        periodStart: '2024-02-01',
        periodEnd: '2024-02-29',
        invoiceDate: '2024-03-01',
        hours: 3.5,
      });
      const exact = await newInvoice(t, a.schoolUser, {
        contractReference: contract.reference,
        periodStart: '2024-02-01',
        periodEnd: '2024-02-15',
        invoiceDate: '2024-03-01',
        hours: 3,
      });
      const flag = await onlyFlagOn(t, auditor, 'INVOICED_HOURS_EXCEED_ATTENDANCE', over.id);
      expect(flag.severity).toBe('HIGH');
      expect(flag.explanation).toBe(
        "Invoiced 3.5 h for 2024-02-01..2024-02-29; the learner attended 3 h of this school's counting lessons in that period (1 lessons).",
      );
      expect(await flagsOn(t, auditor, 'INVOICED_HOURS_EXCEED_ATTENDANCE', exact.id)).toEqual([]);
    });
  });

  describe('INVOICE_OUTSIDE_KEURMERK', () => {
    it('flags an invoice period before the school held a keurmerk; not one after it', async () => {
      const late = await newSchoolWithUser(t, { grantedFrom: '2024-02-01' });
      const contract = await newContract(t, late.schoolUser, { learnerBsn: bsn() });
      const before = await newInvoice(t, late.schoolUser, {
        contractReference: contract.reference,
        periodStart: '2024-01-15',
        periodEnd: '2024-02-15',
      });
      const after = await newInvoice(t, late.schoolUser, {
        contractReference: contract.reference,
        periodStart: '2024-02-01',
        periodEnd: '2024-02-29',
      });
      const flag = await onlyFlagOn(t, auditor, 'INVOICE_OUTSIDE_KEURMERK', before.id);
      expect(flag).toMatchObject({ severity: 'HIGH', schoolId: late.school.id });
      expect(flag.explanation).toBe(
        'The invoice period 2024-01-15..2024-02-15 includes 17 day(s) on which the school held no valid keurmerk: 2024-01-15..2024-01-31 (no keurmerk yet).',
      );
      expect(await flagsOn(t, auditor, 'INVOICE_OUTSIDE_KEURMERK', after.id)).toEqual([]);
    });
  });

  describe('INVOICE_AMOUNT_MISMATCH and PAYMENT_WITHOUT_INVOICE', () => {
    it('flags an invoice DUO paid another amount for (MEDIUM), and a payment of an invoice number the school never registered (HIGH)', async () => {
      const learner = bsn();
      const contract = await newContract(t, a.schoolUser, { learnerBsn: learner });
      const paidLess = await newInvoice(t, a.schoolUser, {
        contractReference: contract.reference,
        invoiceNumber: 'INV-MM-1',
        amountCents: 100_000,
      });
      const paidExactly = await newInvoice(t, a.schoolUser, {
        contractReference: contract.reference,
        invoiceNumber: 'INV-MM-2',
        amountCents: 50_000,
      });
      await payments([
        [learner, a.school.kvkNumber, 'INV-MM-1', 90_000, '2024-04-10'],
        [learner, a.school.kvkNumber, 'INV-MM-2', 50_000, '2024-04-10'],
        [learner, a.school.kvkNumber, 'INV-UNKNOWN', 30_000, '2024-05-10'],
      ]);

      const mismatch = await onlyFlagOn(t, auditor, 'INVOICE_AMOUNT_MISMATCH', paidLess.id);
      expect(mismatch.severity).toBe('MEDIUM');
      expect(mismatch.explanation).toBe(
        'Invoice INV-MM-1 is for EUR 1,000.00; DUO paid EUR 900.00 for this invoice number (1 payment(s)).',
      );
      expect(await flagsOn(t, auditor, 'INVOICE_AMOUNT_MISMATCH', paidExactly.id)).toEqual([]);

      const unknown = await t.http
        .get('/api/v1/duo/payments')
        .query({ schoolKvk: a.school.kvkNumber, invoiceNumber: 'INV-UNKNOWN' })
        .set(...bearer(duo));
      expect(unknown.body.total).toBe(1);
      const orphan = await onlyFlagOn(t, auditor, 'PAYMENT_WITHOUT_INVOICE', unknown.body.items[0].id);
      expect(orphan).toMatchObject({
        severity: 'HIGH',
        schoolId: a.school.id,
        subjectType: 'DUO_PAYMENT',
        period: { from: '2024-05-10', to: '2024-05-10' },
      });
      expect(orphan.explanation).toBe(
        'DUO paid EUR 300.00 on 2024-05-10 for invoice number INV-UNKNOWN (contract reference C-REF) to this school; the school registered no invoice with that number.',
      );
      const matched = await t.http
        .get('/api/v1/duo/payments')
        .query({ invoiceNumber: 'INV-MM-2' })
        .set(...bearer(duo));
      expect(await flagsOn(t, auditor, 'PAYMENT_WITHOUT_INVOICE', matched.body.items[0].id)).toEqual([]);
    });
  });

  describe('QUARTERLY_CAP_EXCEEDED and LOAN_LIMIT_EXCEEDED', () => {
    it('flags the learner per calendar quarter of the payment date, summed over schools, with no school; exactly the cap does not fire', async () => {
      const b = await newSchoolWithUser(t, { grantedFrom: '2023-01-01' });
      const [over, atCap] = [bsn(), bsn()];
      await payments([
        [over, a.school.kvkNumber, 'Q-1', 150_000, '2024-01-15'],
        [over, b.school.kvkNumber, 'Q-2', 50_001, '2024-03-31'],
        [over, b.school.kvkNumber, 'Q-3', 150_000, '2024-04-01'],
        [atCap, a.school.kvkNumber, 'Q-4', 150_000, '2024-01-15'],
        [atCap, b.school.kvkNumber, 'Q-5', 50_000, '2024-03-31'],
      ]);
      const ids = await t.sql<{ learner_id: string; invoice_number: string }>(
        `SELECT learner_id, invoice_number FROM duo_payments WHERE invoice_number IN ('Q-1','Q-4')`,
      );
      const overId = ids.find((r) => r.invoice_number === 'Q-1')!.learner_id;
      const atCapId = ids.find((r) => r.invoice_number === 'Q-4')!.learner_id;

      const capFlags = await learnerFlags('QUARTERLY_CAP_EXCEEDED', overId);
      expect(capFlags).toHaveLength(1);
      expect(capFlags[0]).toMatchObject({
        severity: 'MEDIUM',
        schoolId: null,
        subjectType: 'LEARNER',
        period: { from: '2024-01-01', to: '2024-03-31' },
      });
      expect(capFlags[0].explanation).toBe(
        'DUO paid EUR 2,000.01 for this learner in 2024 Q1 (2024-01-01..2024-03-31) in 2 payment(s) to 2 school(s), above the cap of EUR 2,000.00 per quarter.',
      );
      expect(await learnerFlags('QUARTERLY_CAP_EXCEEDED', atCapId)).toEqual([]);
      // Flags about a learner across schools are not the schools' to see.
      expect(await flags(t, a.schoolUser, { rule: 'QUARTERLY_CAP_EXCEEDED' })).toEqual([]);
    });

    it("flags payments above the learner's loan limit from DUO's loan accounts, HIGH; exactly the limit does not fire", async () => {
      const [over, exact] = [bsn(), bsn()];
      const loans = await importCsv(
        t,
        duo,
        '/duo/imports?type=loan-accounts',
        `bsn,loan_limit_cents,term_ends_on,cohort_year,still_obliged\n${over},100000,2026-12-31,2022,true\n${exact},100000,2026-12-31,2022,false\n`,
      );
      expect(loans).toMatchObject({ status: 'DONE', rowsAccepted: 2 });
      await payments([
        [over, a.school.kvkNumber, 'L-1', 60_000, '2024-01-15'],
        [over, a.school.kvkNumber, 'L-2', 40_001, '2024-06-15'],
        [exact, a.school.kvkNumber, 'L-3', 100_000, '2024-01-15'],
      ]);
      const ids = await t.sql<{ learner_id: string; invoice_number: string }>(
        `SELECT learner_id, invoice_number FROM duo_payments WHERE invoice_number IN ('L-1','L-3')`,
      );
      const [flag] = await learnerFlags(
        'LOAN_LIMIT_EXCEEDED',
        ids.find((r) => r.invoice_number === 'L-1')!.learner_id,
      );
      expect(flag).toMatchObject({ severity: 'HIGH', schoolId: null, subjectType: 'LEARNER' });
      expect(flag.explanation).toBe(
        'DUO paid EUR 1,000.01 for this learner in total (2 payment(s), 2024-01-15..2024-06-15), above the loan limit of EUR 1,000.00.',
      );
      expect(
        await learnerFlags('LOAN_LIMIT_EXCEEDED', ids.find((r) => r.invoice_number === 'L-3')!.learner_id),
      ).toEqual([]);
    });
  });
});
