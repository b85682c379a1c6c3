import { DataSource } from 'typeorm';
import { CALLER_TTL_MS, Callers } from './callers';

describe('Callers', () => {
  const row = { role: 'SCHOOL', school_id: 'school-1', disabled_at: null, closed_on: null };
  const setup = (rows: unknown[] = [row]) => {
    const query = jest.fn().mockResolvedValue(rows);
    return { callers: new Callers({ query } as unknown as DataSource), query };
  };
  let now = 5_000_000;
  let clock: jest.SpyInstance;
  beforeEach(() => (clock = jest.spyOn(Date, 'now').mockImplementation(() => now)));
  afterEach(() => clock.mockRestore());

  it('reads a user once a second, and afresh after that', async () => {
    const { callers, query } = setup();
    const first = await callers.read('user-1');
    expect(first).toEqual({
      actor: { id: 'user-1', role: 'SCHOOL', schoolId: 'school-1' },
      schoolClosedOn: null,
      disabled: false,
    });
    now += CALLER_TTL_MS - 1;
    await callers.read('user-1');
    expect(query).toHaveBeenCalledTimes(1);
    now += 1;
    await callers.read('user-1');
    expect(query).toHaveBeenCalledTimes(2);
  });

  it('reads afresh after forget(): a change made through this process counts from the next request', async () => {
    const { callers, query } = setup();
    await callers.read('user-1');
    callers.forget();
    await callers.read('user-1');
    expect(query).toHaveBeenCalledTimes(2);
  });

  it('does not remember that a user does not exist', async () => {
    const { callers, query } = setup([]);
    expect(await callers.read('user-2')).toBeNull();
    expect(await callers.read('user-2')).toBeNull();
    expect(query).toHaveBeenCalledTimes(2);
  });
});
