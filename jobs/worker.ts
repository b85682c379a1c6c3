import 'reflect-metadata';
import { ConfigError, loadConfig } from '../src/config/app-config';
import { startWorker } from './bootstrap-worker';

startWorker(loadConfig()).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
