// GraphiQL as a person uses it: open /graphql in Chromium, paste a query into the
// editor, press the run button, wait for the answer, take a screenshot.
//
// Usage: node graphiql.mjs <graphql url> <query file> <screenshot.png> <wait-for text>...
// Prints one JSON line: {"result": <visible result pane text>, "editor": ..., ...}.
//
// The network is blocked for the browser except loopback: the gateway serves GraphiQL's
// files itself, so the page must work with nothing else reachable. Every request off this
// machine is refused and reported; the test fails if there is any.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, queryFile, screenshot, ...waitFor] = process.argv.slice(2);
if (!url || !queryFile || !screenshot) {
  console.error('usage: node graphiql.mjs <graphql url> <query file> <screenshot.png> [text...]');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`Chromium not found at ${executablePath}: run \`make conformance-deps\``);
  process.exit(3);
}
const query = readFileSync(queryFile, 'utf8').trim();
const blocked = [];
const consoleErrors = [];

const userDataDir = mkdtempSync(join(tmpdir(), 'idv-graphiql-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 1400, height: 1300 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // Below the page's own request routing too: all but loopback goes to a closed port.
    '--proxy-server=http://127.0.0.1:9',
  ],
});
let exitCode = 0;
try {
  await context.route(
    (u) => !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && u.protocol !== 'data:',
    (route) => {
      blocked.push(route.request().url());
      return route.abort('internetdisconnected');
    },
  );
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await page.goto(url, { waitUntil: 'load' });
  const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
  await editor.waitFor({ state: 'visible', timeout: 30_000 });

  // Replace the default document the way a person pastes one: click, select all, paste.
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(query);
  const typed = await page.evaluate(
    () => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue(),
  );

  await page.locator('button.graphiql-execute-button').click();
  const pane = page.locator('.graphiql-response');
  await page.waitForFunction(
    (texts) => {
      const text = document.querySelector('.graphiql-response')?.innerText ?? '';
      return texts.every((t) => text.includes(t));
    },
    waitFor,
    { timeout: 30_000 },
  ).catch(() => {}); // the caller asserts on what is visible; the screenshot shows it
  const result = await pane.innerText();
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ result, editor: typed, blocked, consoleErrors }));
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
