import { QueryFailedError } from 'typeorm';
import { ProblemDetailsFilter } from './problem-details.filter';

/** Postgres or Redis out of reach is a 503 a client may retry, never a 500. */
describe('ProblemDetailsFilter: unavailable dependencies', () => {
  const filter = new ProblemDetailsFilter();
  const status = (error: unknown) => filter.toProblem(error).status;
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    [
      'Postgres shutting down',
      new QueryFailedError('SELECT 1', [], withCode('terminating connection', '57P01')),
    ],
    ['Postgres starting up', withCode('the database system is starting up', '57P03')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['no pool connection in time', new Error('timeout exceeded when trying to connect')],
    ['Redis down', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
  ])('answers 503 for %s', (_, error) => {
    expect(status(error)).toBe(503);
  });

  it('still answers 500 for an unexpected error, and a unique violation 409', () => {
    expect(status(new TypeError('x is undefined'))).toBe(500);
    expect(status(new QueryFailedError('INSERT', [], withCode('duplicate key', '23505')))).toBe(409);
  });
});
