// Subscribes to `sessionEvents` with a real client and prints each event as a JSON line.
// Usage: node subscribe.mjs ws|sse <graphql http url> <events to wait for> [api key]
// Exits 0 after that many events; 1 on an error or a premature end.
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';

const [transport, url, wanted, apiKey] = process.argv.slice(2);
if (!['ws', 'sse'].includes(transport) || !url || !wanted) {
  console.error('usage: node subscribe.mjs ws|sse <graphql url> <count> [api key]');
  process.exit(2);
}
const query = `subscription {
  sessionEvents { eventId type status session { id status providerSessionId } }
}`;
const credentials = apiKey ? { 'X-API-Key': apiKey } : {};
const client =
  transport === 'ws'
    ? createWsClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: credentials,
        retryAttempts: 0,
      })
    : createSseClient({ url, headers: credentials, retryAttempts: 0 });

let seen = 0;
const done = new Promise((resolve, reject) => {
  client.subscribe(
    { query },
    {
      next: (result) => {
        if (result.errors) {
          reject(new Error(JSON.stringify(result.errors)));
          return;
        }
        console.log(JSON.stringify(result.data.sessionEvents));
        seen += 1;
        if (seen >= Number(wanted)) resolve();
      },
      error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
      complete: () => (seen >= Number(wanted) ? resolve() : reject(new Error('stream ended early'))),
    },
  );
});
try {
  await done;
  process.exit(0);
} catch (error) {
  console.error(String(error && error.message ? error.message : error));
  process.exit(1);
}
