// Waits (up to 20 s) until the PostgreSQL or Redis server at a URL answers. Exit 0 when it does.
const [kind, url] = process.argv.slice(2);
const deadline = Date.now() + 20_000;

async function ping() {
  if (kind === 'postgres') {
    const { Client } = require('pg');
    const target = new URL(url);
    target.pathname = '/postgres';
    const client = new Client({ connectionString: target.toString(), connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  } else {
    const Redis = require('ioredis');
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
    await client.connect();
    await client.ping();
    client.disconnect();
  }
}

(async () => {
  for (;;) {
    try {
      await ping();
      process.exit(0);
    } catch {
      if (Date.now() > deadline) process.exit(1);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
})();
