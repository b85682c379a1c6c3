import { JobQueue } from './job-queue.service';
import { PendingChecks } from './pending-checks';

describe('PendingChecks.kick', () => {
  it('never fails the committed request when Redis refuses the job: the reconciler runs the markers', async () => {
    const jobs = { enqueue: jest.fn().mockRejectedValue(new Error('Connection is closed.')) };
    await expect(new PendingChecks(jobs as unknown as JobQueue).kick()).resolves.toBeUndefined();
    expect(jobs.enqueue).toHaveBeenCalledTimes(1);
  });
});

describe('PendingChecks.kick coalescing', () => {
  /** A queue whose enqueues answer only when released, to hold a kick on its way. */
  const heldQueue = () => {
    const releases: (() => void)[] = [];
    const enqueue = jest.fn(() => new Promise<void>((resolve) => releases.push(resolve)));
    const releaseAll = async (): Promise<void> => {
      while (releases.length > 0) {
        releases.shift()!();
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    return { jobs: { enqueue } as unknown as JobQueue, enqueue, releaseAll };
  };

  it('sends one kick, and one more after it for every caller that came while it was on its way', async () => {
    const { jobs, enqueue, releaseAll } = heldQueue();
    const pending = new PendingChecks(jobs);
    const first = pending.kick();
    const later = Array.from({ length: 10 }, () => pending.kick());
    expect(enqueue).toHaveBeenCalledTimes(1);
    await releaseAll();
    await Promise.all([first, ...later]);
    // The first may have left before the later callers committed: exactly one more left after it.
    expect(enqueue).toHaveBeenCalledTimes(2);
  });

  it('sends afresh once nothing is on its way', async () => {
    const { jobs, enqueue, releaseAll } = heldQueue();
    const pending = new PendingChecks(jobs);
    const first = pending.kick();
    await releaseAll();
    await first;
    const second = pending.kick();
    await releaseAll();
    await second;
    expect(enqueue).toHaveBeenCalledTimes(2);
  });
});

describe('PendingChecks.kick while its own run is delayed', () => {
  it('sends nothing until that run may start, and deduplicated sends leave no such quiet', async () => {
    let now = 1_000_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    let deduplicated = false;
    const enqueue = jest.fn(async (_name: unknown, _payload: unknown, options: { jobId: string }) =>
      deduplicated ? 'someone-else' : options.jobId,
    );
    const pending = new PendingChecks({ enqueue } as unknown as JobQueue);
    try {
      await pending.kick(); // created: its run starts 200 ms later at the earliest
      now += 100;
      await pending.kick(); // that run has not started: it sees this commit
      expect(enqueue).toHaveBeenCalledTimes(1);
      now += 100;
      deduplicated = true;
      await pending.kick(); // past the quiet: asks again, and the queue already held a run
      now += 10;
      await pending.kick(); // a deduplicated send promises nothing about when that run starts
      expect(enqueue).toHaveBeenCalledTimes(3);
    } finally {
      clock.mockRestore();
    }
  });
});
