/**
 * Simulated participants through a running collection server's real API (src/experiment/server):
 * create a session (the server assigns condition, image set and seed), post every trial record
 * with the session's bearer token, complete it; then fetch nothing — the researcher exports as
 * usual. Used to pilot through the deployed path and to load-test the server.
 */
import type { StudyExport, SessionAssignment } from '../records';
import { sessionAssignmentSchema } from '../records';
import type { Condition } from '../study';
import type { PilotOptions } from './pilot';
import { simulateParticipant, type Simulation } from './participant';

async function post(url: string, body: unknown, token?: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

export async function runThroughServer(sim: Simulation, options: PilotOptions, conditions: Condition[]): Promise<StudyExport> {
  const base = options.server!.replace(/\/$/, '');
  const study = sim.manifest.study;
  for (let i = 0; i < options.participants; i++) {
    const created = await post(`${base}/api/studies/${encodeURIComponent(study)}/sessions`, {
      platform: { kind: 'lab', participantId: `sim-${options.observer.strategy}-${options.seed}-${i}` },
      screen: { width: 1280, height: 800 },
      userAgent: 'glimpse simulated participant',
    });
    const a: SessionAssignment = sessionAssignmentSchema.parse(created);
    if (!conditions.includes(a.condition)) throw new Error(`server assigned condition '${a.condition}', not among ${conditions.join(', ')}`);
    const s = simulateParticipant(sim, a);
    for (const r of s.records) await post(`${base}/api/sessions/${a.sessionId}/trials`, r, a.token);
    await post(`${base}/api/sessions/${a.sessionId}/complete`, s.complete, a.token);
  }
  return { study, exportedAt: new Date().toISOString(), sessions: [] };
}
