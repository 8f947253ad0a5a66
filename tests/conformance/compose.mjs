// Composes idv-gateway's subgraph SDL with another subgraph's SDL file and reports the
// outcome as JSON: {"composed": bool, "errors": [codes]}. Usage:
//   node compose.mjs <idv-gateway /graphql URL> <other subgraph .graphql file>
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';

const [sessionsUrl, otherFile] = process.argv.slice(2);
const response = await fetch(sessionsUrl, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: '{ _service { sdl } }' }),
});
const sdl = (await response.json()).data._service.sdl;
const result = composeServices([
  { name: 'sessions', url: 'http://sessions.invalid/graphql', typeDefs: parse(sdl) },
  { name: 'other', url: 'http://other.invalid/graphql', typeDefs: parse(readFileSync(otherFile, 'utf8')) },
]);
console.log(JSON.stringify({
  composed: !result.errors,
  errors: (result.errors ?? []).map((e) => e.extensions?.code ?? e.message),
}));
