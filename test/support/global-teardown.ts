/** Nothing to undo: each test file drops its own database. */
export default async function globalTeardown(): Promise<void> {}
