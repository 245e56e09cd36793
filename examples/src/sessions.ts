// Session bookkeeping for the example service. The bug: every session starts a heartbeat interval whose
// handle is thrown away, so ending the session cannot stop it. One interval leaks per login.
import type { ServerResponse } from 'node:http';

export interface Session {
  id: string;
  user: string;
  lastSeen: number;
  // Each session keeps a little state alive, as real ones do.
  scratch: Buffer;
}

const sessions = new Map<string, Session>();

function sendHeartbeat(session: Session): void {
  session.lastSeen = Date.now();
}

export function startSession(user: string): Session {
  const session: Session = { id: `${user}-${sessions.size + 1}`, user, lastSeen: Date.now(), scratch: Buffer.alloc(16 * 1024) };
  sessions.set(session.id, session);
  setInterval(sendHeartbeat, 1000, session); // LEAK: the handle is discarded, nothing can clear it
  return session;
}

export function endSession(id: string): boolean {
  // Forgets the session, but its heartbeat interval keeps running (and keeps it in memory).
  return sessions.delete(id);
}

export function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(body + '\n');
}

export function liveSessions(): number {
  return sessions.size;
}
