import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/app-config';
import { createApi } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApi(config);
  await app.listen(config.port, '0.0.0.0');
  console.warn(`API listening on http://localhost:${config.port}/api/v1 (docs: /api/v1/docs)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
