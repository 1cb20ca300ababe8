// The collection server under load and faults, bounded and on 127.0.0.1 only: 40 simulated
// participants through the page's own client code (outbox, checkpoints; every 5th sends its answers
// shuffled), with dropped requests, dropped answers, late duplicates and delays (session creation
// included), and the server killed (SIGKILL) and restarted once: every answer stored exactly once,
// as answered, and one session per participant. On both stores: SQLite and PostgreSQL (a throwaway
// cluster, scripts/lib/pg-cluster.ts).
// scripts/bench-study-server.ts runs the same with 1,000 participants (docs/benchmarks.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/experiment/load-study';
import { manifestSchema } from '../../src/experiment/manifest';
import { runLoad } from '../../scripts/lib/study-load';

const STUDY = 'fashion-features';
const manifestFile = join(REPO_ROOT, 'public/data/studies', STUDY, 'manifest.json');

it.each(['sqlite', 'postgres'] as const)('%s: 40 participants, faults and one server crash: every answer stored exactly once', async (store) => {
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestFile, 'utf8')));
  const report = await runLoad({ store,
    participants: 40, concurrency: 10, shuffledEvery: 5, killAt: 0.4, thinkMs: 5, baseDelayMs: 20, maxDelayMs: 400, seed: 7,
    rates: { dropRequest: 0.08, dropResponse: 0.08, duplicate: 0.1, delay: 0.2, maxDelayMs: 80 },
    study: STUDY, manifest, manifestFile,
  });
  expect(report.fatal).toEqual([]);
  // The faults happened: otherwise the test proves nothing.
  expect(report.restarts).toBe(1);
  expect(report.faults.dropRequest).toBeGreaterThan(0);
  expect(report.faults.dropResponse).toBeGreaterThan(0);
  expect(report.faults.duplicate).toBeGreaterThan(0);
  // Late copies and lost answers come back as duplicates; shuffled senders meet out-of-order refusals.
  expect(report.faults.status['200'] ?? 0).toBeGreaterThan(0);
  expect(report.faults.status['409'] ?? 0).toBeGreaterThan(0);
  // 40 sessions of 8 main/catch answers and at least 2 practice answers each.
  expect(report.completedSessions).toBe(40);
  expect(report.rowsExpected).toBeGreaterThanOrEqual(40 * 10);
  expect(report.rowsLost).toBe(0);
  expect(report.rowsDiffering).toBe(0);
  expect(report.rowsDuplicated).toBe(0);
  expect(report.rowsStored).toBe(report.rowsExpected);
  // Creations are faulted too: retried with the same request key, they make no second session and
  // are not refused as "already taken part" (every participant has a Prolific id).
  expect(report.createRetries).toBeGreaterThan(0);
  expect(report.orphanSessions).toBe(0);
}, 300_000);
