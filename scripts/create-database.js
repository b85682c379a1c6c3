// Creates the application database named in DATABASE_URL (or the default) when it does not exist.
require('dotenv').config({ quiet: true });
const { Client } = require('pg');

const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/taalschool');
const name = decodeURIComponent(url.pathname.slice(1));
url.pathname = '/postgres';

(async () => {
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (rowCount === 0) {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    console.error(`[services] created database ${name}`);
  }
  await client.end();
})().catch((error) => {
  console.error(`[services] could not create database ${name}: ${error.message}`);
  process.exit(1);
});
