import {
  DECLARATIONS_LETTER_FIGURES,
  DECLARATIONS_LETTER_PERIOD,
  LetterOutcome,
  loadLetterProfile,
} from '../scripts/generator/letter-profile';
import { checksSettled } from './support/checks';
import { TEST_ADMIN } from './support/test-env';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';

/**
 * The minister's figures (seed letter 000 §3.4), reproduced by the generator's letter profile loaded through the
 * real API and worker: 933 declarations issued between mid-March and July 2023, 69 without a contract known at
 * DUO, 2 refused because the school never issued them, 2 forgery reports.
 */
describe("the letter's declarations, reproduced", () => {
  let t: TestApp;
  let duo: TestUser;
  let outcome: LetterOutcome;

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    outcome = await loadLetterProfile(await t.listen(), TEST_ADMIN);
    await checksSettled(t);
    duo = await t.user('DUO');
  }, 900_000);
  afterAll(() => t.close());

  it('answers {submitted: 933, withoutDuoContract: 69, refused: 2, forgeryReports: 2} by issue date', async () => {
    const report = await t.http
      .get(`${API}/reports/declarations`)
      .query({ ...DECLARATIONS_LETTER_PERIOD, basis: 'issued' })
      .set(...bearer(duo))
      .expect(200);
    expect(report.body).toMatchObject(DECLARATIONS_LETTER_FIGURES);
  });

  it('walked every story: self-payers confirmed or backed by evidence, forgeries refused, presented declarations routed', () => {
    const byStory = (story: string) => outcome.exemptions.filter((e) => e.story === story);
    expect(byStory('SELF_PAYER')).toHaveLength(67);
    expect(byStory('SELF_PAYER').every((e) => e.status === 'READY_FOR_DECISION')).toBe(true);
    expect(byStory('NOT_ISSUED').map((e) => [e.status, e.match])).toEqual([
      ['REFUSED', 'NOT_REGISTERED'],
      ['REFUSED', 'NOT_REGISTERED'],
    ]);
    expect(byStory('MATCHED').map((e) => [e.status, e.match])).toEqual([
      ['READY_FOR_DECISION', 'REGISTERED'],
    ]);
    expect(byStory('CLOSED_SCHOOL').map((e) => [e.status, e.match])).toEqual([
      ['READY_FOR_DECISION', 'NOT_REGISTERED'],
    ]);
    expect(byStory('UNKNOWN_KVK').map((e) => [e.status, e.match])).toEqual([
      ['INTENDED_REFUSAL', 'NOT_REGISTERED'],
    ]);
    expect(byStory('GRANTED_THEN_SUSPENDED').map((e) => e.status)).toEqual(['GRANTED']);
  });
});
