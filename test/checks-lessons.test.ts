import { checksSettled, flags, flagsOn, onlyFlagOn } from './support/checks';
import {
  newContract,
  newGroup,
  newLesson,
  newSchoolWithUser,
  newTeacher,
  validBsn,
} from './support/factories';
import { bearer, TestApp, TestUser } from './support/test-app';

/** The rules on lessons, attendance and the certified-teacher norm. */
describe('checks on lessons and attendance', () => {
  let t: TestApp;
  let auditor: TestUser;
  let admin: string;
  let bsnSeq = 900;
  const bsn = () => validBsn(bsnSeq++);
  const bsns = (n: number) => Array.from({ length: n }, bsn);

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    auditor = await t.user('AUDITOR');
    admin = await t.adminToken();
  });
  afterAll(() => t.close());

  const measure = (schoolId: string, kind: string, validFrom: string, validTo: string) =>
    t.http
      .post(`/api/v1/schools/${schoolId}/measures`)
      .set(...bearer(admin))
      .send({ kind, validFrom, validTo })
      .expect(201);

  /** A school with a group and a certified teacher. */
  const school = async (groupOverrides: { route?: 'B1' | 'ALFA'; maxSize?: number } = {}) => {
    const s = await newSchoolWithUser(t, { grantedFrom: '2023-01-01' });
    const group = await newGroup(t, s.schoolUser, groupOverrides);
    const teacher = await newTeacher(t, s.schoolUser);
    const lesson = (
      startsAt: string,
      endsAt: string,
      attendeeBsns: string[],
      teacherReference = teacher.reference,
    ) =>
      newLesson(t, s.schoolUser, { groupCode: group.code, teacherReference, startsAt, endsAt, attendeeBsns });
    return { ...s, group, teacher, lesson };
  };

  describe('GROUP_SIZE_EXCEEDED', () => {
    it("flags a lesson with more attendees than the group's own maximum, MEDIUM; exactly at the maximum does not fire", async () => {
      const s = await school({ maxSize: 3 });
      const over = await s.lesson('2024-03-04T09:00:00+01:00', '2024-03-04T11:00:00+01:00', bsns(4));
      const at = await s.lesson('2024-03-05T09:00:00+01:00', '2024-03-05T11:00:00+01:00', bsns(3));
      const flag = await onlyFlagOn(t, auditor, 'GROUP_SIZE_EXCEEDED', over.id);
      expect(flag).toMatchObject({
        severity: 'MEDIUM',
        schoolId: s.school.id,
        subjectType: 'LESSON',
        period: { from: '2024-03-04', to: '2024-03-04' },
      });
      expect(flag.explanation).toBe(
        `The lesson of 2024-03-04 09:00-11:00 in group ${s.group.code} (route B1) had 4 attendees; the group's maximum is 3 (own maximum 3, route maximum 16).`,
      );
      expect(await flagsOn(t, auditor, 'GROUP_SIZE_EXCEEDED', at.id)).toEqual([]);
    });

    it('caps a group maximum above the route maximum by the route maximum (ALFA: 12), and is LOW under GROUP_SIZE_LENIENCY on the lesson date', async () => {
      const s = await school({ route: 'ALFA', maxSize: 20 });
      await measure(s.school.id, 'GROUP_SIZE_LENIENCY', '2024-05-01', '2024-05-31');
      const strict = await s.lesson('2024-04-30T09:00:00+02:00', '2024-04-30T10:00:00+02:00', bsns(13));
      const lenient = await s.lesson('2024-05-01T09:00:00+02:00', '2024-05-01T10:00:00+02:00', bsns(13));
      const strictFlag = await onlyFlagOn(t, auditor, 'GROUP_SIZE_EXCEEDED', strict.id);
      expect(strictFlag).toMatchObject({
        severity: 'MEDIUM',
        evidence: { attendees: 13, maximum: 12, routeMaximum: 12 },
      });
      const lenientFlag = await onlyFlagOn(t, auditor, 'GROUP_SIZE_EXCEEDED', lenient.id);
      expect(lenientFlag.severity).toBe('LOW');
      expect(lenientFlag.explanation).toContain(
        'GROUP_SIZE_LENIENCY applies on that date, so the severity is LOW',
      );
    });
    it('gives a route the stored routeMaxima leaves out its catalogue default, in the check, the group API and the compliance report alike', async () => {
      const [{ parameters }] = await t.sql<{ parameters: object }>(
        `SELECT parameters FROM rules WHERE code = 'GROUP_SIZE_EXCEEDED'`,
      );
      await t.sql(
        `UPDATE rules SET parameters = '{"routeMaxima": {"B1": 16}}' WHERE code = 'GROUP_SIZE_EXCEEDED'`,
      );
      try {
        const s = await school({ route: 'ALFA' });
        const over = await s.lesson('2024-09-02T09:00:00+02:00', '2024-09-02T10:00:00+02:00', bsns(13));
        const found = await flagsOn(t, auditor, 'GROUP_SIZE_EXCEEDED', over.id);
        expect(found).toHaveLength(1);
        expect(found[0].evidence).toMatchObject({ attendees: 13, maximum: 12, routeMaximum: 12 });
        const group = await t.http
          .get(`/api/v1/groups/${s.group.id}`)
          .set(...bearer(auditor))
          .expect(200);
        expect(group.body.maxSize).toBe(12);
        const report = await t.http
          .get(`/api/v1/reports/schools/${s.school.id}/compliance`)
          .query({ from: '2024-09-01', to: '2024-09-30' })
          .set(...bearer(auditor))
          .expect(200);
        expect(report.body.months[0].lessonsOverMaxGroupSize).toBe(1);
      } finally {
        await t.sql(`UPDATE rules SET parameters = $1 WHERE code = 'GROUP_SIZE_EXCEEDED'`, [parameters]);
      }
    });
  });

  describe('LEARNER_DOUBLE_BOOKED', () => {
    let a: Awaited<ReturnType<typeof school>>;
    let b: Awaited<ReturnType<typeof school>>;
    beforeAll(async () => {
      [a, b] = [await school(), await school()];
    });

    it('flags both overlapping lessons of a learner at two schools, HIGH, and each school sees only its own records', async () => {
      const learner = bsn();
      const atA = await a.lesson('2024-06-03T09:00:00+02:00', '2024-06-03T11:00:00+02:00', [learner, bsn()]);
      const atB = await b.lesson('2024-06-03T10:30:00+02:00', '2024-06-03T12:00:00+02:00', [learner]);
      const flagA = await onlyFlagOn(t, auditor, 'LEARNER_DOUBLE_BOOKED', atA.id);
      const flagB = await onlyFlagOn(t, auditor, 'LEARNER_DOUBLE_BOOKED', atB.id);
      expect(flagA).toMatchObject({
        severity: 'HIGH',
        schoolId: a.school.id,
        period: { from: '2024-06-03', to: '2024-06-03' },
      });
      expect(flagB).toMatchObject({ severity: 'HIGH', schoolId: b.school.id });
      expect(flagA.explanation).toBe(
        'The lesson of 2024-06-03 09:00-11:00: 1 learner(s) of it also attend an overlapping lesson: 1 lesson(s) at another school.',
      );
      expect(flagA.evidence.records.map((r) => r.id)).toContain(atB.id); // the auditor sees both lessons

      // School A reads its flag: nothing of school B's in the explanation or the evidence.
      const [seenByA] = await flags(t, a.schoolUser, { rule: 'LEARNER_DOUBLE_BOOKED', subjectId: atA.id });
      expect(seenByA.explanation).not.toContain(b.school.id);
      expect(JSON.stringify(seenByA.evidence)).not.toContain(atB.id);
      expect(JSON.stringify(seenByA.evidence)).not.toContain(b.school.id);
      expect(seenByA.evidence.records.every((r) => r.schoolId === a.school.id)).toBe(true);
      expect(await flags(t, a.schoolUser, { rule: 'LEARNER_DOUBLE_BOOKED', subjectId: atB.id })).toEqual([]);
    });

    it('does not flag back-to-back lessons ([start, end) intervals touch but do not overlap)', async () => {
      const learner = bsn();
      const first = await a.lesson('2024-06-10T09:00:00+02:00', '2024-06-10T11:00:00+02:00', [learner]);
      const second = await b.lesson('2024-06-10T11:00:00+02:00', '2024-06-10T12:00:00+02:00', [learner]);
      expect(await flagsOn(t, auditor, 'LEARNER_DOUBLE_BOOKED', first.id)).toEqual([]);
      expect(await flagsOn(t, auditor, 'LEARNER_DOUBLE_BOOKED', second.id)).toEqual([]);
    });
  });

  describe('TEACHER_DOUBLE_BOOKED', () => {
    it('flags a teacher teaching two overlapping lessons, HIGH, naming the other lesson; back-to-back does not fire', async () => {
      const s = await school();
      const other = await newGroup(t, s.schoolUser);
      const first = await s.lesson('2024-09-02T09:00:00+02:00', '2024-09-02T11:00:00+02:00', [bsn()]);
      const clash = await newLesson(t, s.schoolUser, {
        groupCode: other.code,
        teacherReference: s.teacher.reference,
        startsAt: '2024-09-02T10:00:00+02:00',
        endsAt: '2024-09-02T12:00:00+02:00',
        attendeeBsns: [bsn()],
      });
      const next = await newLesson(t, s.schoolUser, {
        groupCode: other.code,
        teacherReference: s.teacher.reference,
        startsAt: '2024-09-02T12:00:00+02:00',
        endsAt: '2024-09-02T13:00:00+02:00',
        attendeeBsns: [bsn()],
      });
      const flag = await onlyFlagOn(t, auditor, 'TEACHER_DOUBLE_BOOKED', first.id);
      expect(flag).toMatchObject({ severity: 'HIGH', schoolId: s.school.id });
      expect(flag.explanation).toBe(
        `Teacher ${s.teacher.reference} teaches the lesson of 2024-09-02 09:00-11:00 and 1 overlapping lesson(s) at the same time: 10:00-12:00.`,
      );
      expect(await flagsOn(t, auditor, 'TEACHER_DOUBLE_BOOKED', clash.id)).toHaveLength(1);
      expect(await flagsOn(t, auditor, 'TEACHER_DOUBLE_BOOKED', next.id)).toEqual([]);
    });
  });

  describe('ATTENDANCE_WITHOUT_CONTRACT', () => {
    it('flags the stretch of attended days no contract covers (the learner, MEDIUM), and withdraws it when a contract covers them', async () => {
      const s = await school();
      const learner = bsn();
      await newContract(t, s.schoolUser, {
        learnerBsn: learner,
        startDate: '2024-02-01',
        endDate: '2024-03-31',
      });
      await s.lesson('2024-01-15T09:00:00+01:00', '2024-01-15T10:00:00+01:00', [learner]);
      await s.lesson('2024-01-22T09:00:00+01:00', '2024-01-22T10:00:00+01:00', [learner]);
      const covered = await s.lesson('2024-02-05T09:00:00+01:00', '2024-02-05T10:00:00+01:00', [learner]);
      const learnerId = covered.attendees[0].learnerId;
      // A stretch that grows (a later lesson checked on its own) replaces its flag: the open one covers it all.
      const [flag] = (await flagsOn(t, auditor, 'ATTENDANCE_WITHOUT_CONTRACT', learnerId)).filter(
        (f) => f.status === 'OPEN',
      );
      expect(flag).toMatchObject({
        severity: 'MEDIUM',
        schoolId: s.school.id,
        subjectType: 'LEARNER',
        period: { from: '2024-01-15', to: '2024-01-22' },
      });
      expect(flag.explanation).toMatch(
        /^The learner attended 2 lesson\(s\) of this school on 2 day\(s\) from 2024-01-15 to 2024-01-22 that no contract with this school covers \(contracts: .* 2024-02-01\.\.2024-03-31\)\.$/,
      );

      await newContract(t, s.schoolUser, {
        learnerBsn: learner,
        startDate: '2024-01-01',
        endDate: '2024-01-31',
      });
      const after = await flagsOn(t, auditor, 'ATTENDANCE_WITHOUT_CONTRACT', learnerId);
      expect(after.find((f) => f.id === flag.id)).toMatchObject({ status: 'WITHDRAWN' });
      expect(after.filter((f) => f.status === 'OPEN')).toEqual([]);
    });
  });

  describe('CERTIFIED_LESSON_SHARE_BELOW_NORM', () => {
    /** `total` one-hour lessons in 2024, the first `certified` by a certified teacher, the rest by `other`. */
    const year = async (
      s: Awaited<ReturnType<typeof school>>,
      total: number,
      certified: number,
      other: string,
    ) => {
      for (let i = 0; i < total; i++) {
        const day = `2024-03-${String(i + 1).padStart(2, '0')}`;
        await s.lesson(
          `${day}T09:00:00+01:00`,
          `${day}T10:00:00+01:00`,
          [bsn()],
          i < certified ? s.teacher.reference : other,
        );
      }
      await checksSettled(t);
    };

    it('flags a school year below 80% counting-teacher lessons (HIGH), with the school as subject and the calendar year as period', async () => {
      const s = await school();
      const uncertified = await newTeacher(t, s.schoolUser, {
        nt2Certified: false,
        certifiedSince: undefined,
      });
      await year(s, 20, 15, uncertified.reference);
      const flag = await onlyFlagOn(t, auditor, 'CERTIFIED_LESSON_SHARE_BELOW_NORM', s.school.id);
      expect(flag).toMatchObject({
        severity: 'HIGH',
        schoolId: s.school.id,
        subjectType: 'SCHOOL_YEAR',
        period: { from: '2024-01-01', to: '2024-12-31' },
      });
      expect(flag.explanation).toBe(
        'In 2024, 15 of 20 lessons (75.0%) were taught by counting teachers (certified NT2, or under a valid measure); the norm is 80% of at least 20 lessons.',
      );
    });

    it('does not flag a share of exactly 0.80', async () => {
      const s = await school();
      const uncertified = await newTeacher(t, s.schoolUser, {
        nt2Certified: false,
        certifiedSince: undefined,
      });
      await year(s, 20, 16, uncertified.reference);
      expect(await flagsOn(t, auditor, 'CERTIFIED_LESSON_SHARE_BELOW_NORM', s.school.id)).toEqual([]);
    });

    it('counts a teacher in training only while the TEACHERS_IN_TRAINING measure is valid, and is LOW under DEFERRED_ENFORCEMENT', async () => {
      const s = await school();
      const trainee = await newTeacher(t, s.schoolUser, {
        nt2Certified: false,
        certifiedSince: undefined,
        nt2TrainingStartedOn: '2024-01-01',
      });
      await measure(s.school.id, 'TEACHERS_IN_TRAINING', '2024-03-01', '2024-03-10');
      await year(s, 20, 10, trainee.reference); // the trainee teaches 11..20 March, outside the measure
      const flag = await onlyFlagOn(t, auditor, 'CERTIFIED_LESSON_SHARE_BELOW_NORM', s.school.id);
      expect(flag).toMatchObject({ severity: 'HIGH', evidence: { lessons: 20, countingLessons: 10 } });

      await measure(s.school.id, 'TEACHERS_IN_TRAINING', '2024-03-11', '2024-12-31');
      await s.lesson('2024-04-01T09:00:00+02:00', '2024-04-01T10:00:00+02:00', [bsn()], trainee.reference);
      expect(await flagsOn(t, auditor, 'CERTIFIED_LESSON_SHARE_BELOW_NORM', s.school.id)).toMatchObject([
        { id: flag.id, status: 'WITHDRAWN' },
      ]);

      const low = await school();
      const uncertified = await newTeacher(t, low.schoolUser, {
        nt2Certified: false,
        certifiedSince: undefined,
      });
      await measure(low.school.id, 'DEFERRED_ENFORCEMENT', '2024-06-01', '2024-12-31');
      await year(low, 20, 0, uncertified.reference);
      const lowFlag = await onlyFlagOn(t, auditor, 'CERTIFIED_LESSON_SHARE_BELOW_NORM', low.school.id);
      expect(lowFlag.severity).toBe('LOW');
    });
  });
});
