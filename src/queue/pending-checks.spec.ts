import { JobQueue } from './job-queue.service';
import { PendingChecks } from './pending-checks';

describe('PendingChecks.kick', () => {
  it('never fails the committed request when Redis refuses the job: the reconciler runs the markers', async () => {
    const jobs = { enqueue: jest.fn().mockRejectedValue(new Error('Connection is closed.')) };
    await expect(new PendingChecks(jobs as unknown as JobQueue).kick()).resolves.toBeUndefined();
    expect(jobs.enqueue).toHaveBeenCalledTimes(1);
  });
});
