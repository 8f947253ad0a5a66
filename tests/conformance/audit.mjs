// GraphQL-over-HTTP audit (graphql-http's auditServer) of a running gateway.
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
// Prints one line per non-ok audit, then a JSON summary line; exits 1 on any error or warning.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}
const results = await auditServer({ url, fetchFn: fetch });
const count = (status) => results.filter((r) => r.status === status).length;
for (const r of results) {
  if (r.status !== 'ok') console.log(`${r.status} ${r.id} ${r.name} :: ${r.reason}`);
}
const summary = {
  total: results.length,
  ok: count('ok'),
  warn: count('warn'),
  notice: count('notice'),
  error: count('error'),
};
console.log(JSON.stringify(summary));
process.exit(summary.error || summary.warn ? 1 : 0);
