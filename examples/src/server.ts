// A small HTTP service with a timer leak, for trying Timerscope:
//   npm run example
// POST /login starts a session (and leaks a heartbeat interval), POST /logout ends it.
// The service drives a few requests at itself on start-up, so the leak is visible at once.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { endSession, liveSessions, reply, startSession } from './sessions';

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'POST' && url.pathname === '/login') {
    const session = startSession(url.searchParams.get('user') ?? 'anonymous');
    reply(res, 201, session.id);
  } else if (req.method === 'POST' && url.pathname === '/logout') {
    reply(res, endSession(url.searchParams.get('id') ?? '') ? 200 : 404, 'bye');
  } else {
    reply(res, 200, `sessions: ${liveSessions()}`);
  }
});

// Correct housekeeping: unref'd, so it never keeps the process alive.
const metrics = setInterval(() => {
  process.stdout.write(`[example] ${liveSessions()} sessions\n`);
}, 30_000);
metrics.unref();

function request(method: string, path: string): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false }, res => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('error', reject);
    req.end();
  });
}

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', async () => {
  const { port } = server.address() as AddressInfo;
  console.log(`[example] listening on http://127.0.0.1:${port}`);
  // Twelve users log in and out again: every session ends, every heartbeat lives on.
  for (let i = 1; i <= 12; i++) {
    const id = await request('POST', `/login?user=user${i}`);
    await request('POST', `/logout?id=${id}`);
  }
  console.log(`[example] 12 logins and logouts served; ${liveSessions()} sessions left`);
});

// Stops itself after 10 minutes so that a forgotten example does not run forever.
setTimeout(() => process.exit(0), 10 * 60_000).unref();
