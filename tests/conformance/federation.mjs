// Composes idv-gateway with a second subgraph (@apollo/composition), serves the supergraph
// with a real @apollo/gateway inside @apollo/server, and runs one federated query through it.
// Usage: node federation.mjs <idv-gateway /graphql URL> <risk subgraph URL> <query file>
// Prints one JSON line; exits 1 when the answer is not a 200 without errors.
import { readFileSync } from 'node:fs';
import { parse, print, visit, Kind } from 'graphql';
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const [sessionsUrl, riskUrl, queryFile] = process.argv.slice(2);

async function sdlOf(url) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = await response.json();
  if (!body.data?._service?.sdl) throw new Error(`no _service.sdl from ${url}: ${JSON.stringify(body)}`);
  return body.data._service.sdl;
}

const services = [
  { name: 'sessions', url: sessionsUrl, typeDefs: parse(await sdlOf(sessionsUrl)) },
  { name: 'risk', url: riskUrl, typeDefs: parse(await sdlOf(riskUrl)) },
];
const composed = composeServices(services);
if (composed.errors) {
  for (const e of composed.errors) console.error('composition error', e.extensions?.code, e.message);
  process.exit(2);
}
// The supergraph carries idv-gateway's field policy (@authenticated, @requiresScopes) for
// routers that enforce it (Apollo Router). @apollo/gateway refuses supergraphs that link
// SECURITY features, so for serving here they are taken out again, after counting them.
const SECURITY = new Set(['authenticated', 'requiresScopes']);
let securityDirectives = 0;
const served = visit(parse(composed.supergraphSdl), {
  Directive(node) {
    if (SECURITY.has(node.name.value)) {
      securityDirectives += 1;
      return null;
    }
    const url = node.arguments?.find((a) => a.name.value === 'url')?.value?.value ?? '';
    if (node.name.value === 'link' && /\/(authenticated|requiresScopes)\//.test(url)) return null;
    return undefined;
  },
  DirectiveDefinition(node) {
    return SECURITY.has(node.name.value) ? null : undefined;
  },
  ScalarTypeDefinition(node) {
    return node.name.value === 'requiresScopes__Scope' ? null : undefined;
  },
});
const gateway = new ApolloGateway({ supergraphSdl: print(served) });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
try {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: readFileSync(queryFile, 'utf8') }),
  });
  const body = await response.json();
  console.log(JSON.stringify({ status: response.status, supergraphBytes: composed.supergraphSdl.length, securityDirectives, body }));
  // A person running this by hand (docs/federation.md) sees failure in the exit code too.
  if (response.status !== 200 || body.errors) process.exitCode = 1;
} finally {
  await server.stop();
}
