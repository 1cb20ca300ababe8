/**
 * Readers for Glimpse's own data: the collection server's JSON export (`exportSchema` of
 * src/experiment/records.ts) or its CSV export (`CSV_COLUMNS`), optionally with the study's stimulus
 * manifest, which gives each trial id its unit and layer and lets the analysis compute baselines and
 * the activation difference. A session is one participant (conditions are between participants).
 */
import { CONDITIONS } from '../study';
import { exportSchema, CSV_COLUMNS, type ExportSession } from '../records';
import type { Manifest, ManifestTrial } from '../manifest';
import { parseCsv, requireColumns, type Table } from './csv';
import type { AnalysisSession, AnalysisTrial, Dataset } from './types';

const LABELS: Record<string, string> = { synthetic: 'synthetic', natural: 'natural', mixed: 'mixed', blur: 'blur', none: 'none' };

function unitOf(trialId: string, manifest: Map<string, ManifestTrial> | undefined, file: string): { unit: string; layer: string } {
  const t = manifest?.get(trialId);
  if (t) return { unit: t.unit, layer: t.layer };
  if (manifest) throw new Error(`${file}: trial id '${trialId}' is not in the manifest (${manifest.size} trials); was the export made with another stimulus build?`);
  const m = /([A-Za-z0-9_./-]+):(\d+)/.exec(trialId);
  return m ? { unit: `${m[1]}:${m[2]}`, layer: m[1] } : { unit: trialId, layer: 'unknown' };
}

function dataset(file: string, sessions: AnalysisSession[], manifest: Manifest | undefined, manifestDir: string | undefined, notes: string[]): Dataset {
  if (sessions.length === 0) throw new Error(`${file}: no sessions in the export`);
  const present = new Set(sessions.map((s) => s.condition));
  const order = (manifest?.conditions ?? CONDITIONS).filter((c) => present.has(c));
  return {
    source: file,
    format: 'glimpse',
    conditions: order.map((id) => ({ id, label: LABELS[id] ?? id })),
    sessions,
    manifest,
    manifestDir,
    has: { instructionMs: true, totalMs: true, practiceAttempts: true },
    notes,
  };
}

function fromExportSession(s: ExportSession, trials: Map<string, ManifestTrial> | undefined, file: string): AnalysisSession {
  return {
    participant: s.platform.participantId ?? s.sessionId,
    sessionId: s.sessionId,
    condition: s.condition,
    imageSet: String(s.imageSet),
    completed: s.completedAt !== undefined,
    instructionMs: s.instructionMs,
    totalMs: s.totalMs,
    practiceAttempts: s.practiceAttempts,
    trials: s.trials.map((t): AnalysisTrial => ({
      trialId: t.trialId,
      block: t.block,
      attempt: t.attempt,
      ...unitOf(t.trialId, trials, file),
      correct: t.correct,
      confidence: t.confidence,
      rtMs: t.rtMs,
      side: t.choice,
    })),
  };
}

/** The JSON export: `{ study, exportedAt, sessions }`. */
export function readGlimpseJson(text: string, file: string, manifest?: Manifest, manifestDir?: string): Dataset {
  if (text.trim() === '') throw new Error(`${file}: empty file (expected the JSON export { study, exportedAt, sessions })`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  const parsed = exportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: not a Glimpse export: at '${issue.path.join('.')}': ${issue.message}`);
  }
  const trials = manifest ? new Map(manifest.trials.map((t) => [t.id, t])) : undefined;
  const notes = manifest ? [] : ['no stimulus manifest: baselines and the activation difference need one (--manifest)'];
  return dataset(file, parsed.data.sessions.map((s) => fromExportSession(s, trials, file)), manifest, manifestDir, notes);
}

const BLOCK_OF: Record<string, AnalysisTrial['block']> = { practice: 'practice', main: 'main', catch: 'catch' };
const NEEDED = ['subject_id', 'session_id', 'trial_id', 'instr_type', 'trial_type', 'catch_trial', 'attempt', 'batch', 'response', 'correct', 'abs_conf_rating', 'RT', 'instruction_ms', 'practice_attempts', 'total_ms', 'completed'] as const;

function cell(table: Table, i: number, column: string, kind: 'number' | 'bool' | 'optional-number'): number | boolean | undefined {
  const v = table.rows[i][column];
  if (kind === 'bool') {
    if (v === 'true' || v === 'True' || v === '1') return true;
    if (v === 'false' || v === 'False' || v === '0') return false;
    throw new Error(`${table.file}: row ${i + 2}, column '${column}' is '${v}'; expected true or false`);
  }
  if (v === '' && kind === 'optional-number') return undefined;
  const n = Number(v);
  if (v === '' || !Number.isFinite(n)) throw new Error(`${table.file}: row ${i + 2}, column '${column}' is '${v}'; expected a number`);
  return n;
}

/** The CSV export: one row per trial, columns `CSV_COLUMNS` of records.ts (RT in seconds, as Borowski's). */
export function readGlimpseCsv(text: string, file: string, manifest?: Manifest, manifestDir?: string): Dataset {
  const table = parseCsv(text, file);
  requireColumns(table, NEEDED, `the Glimpse CSV export (${CSV_COLUMNS.length} columns, records.ts CSV_COLUMNS)`);
  const trials = manifest ? new Map(manifest.trials.map((t) => [t.id, t])) : undefined;
  const sessions = new Map<string, AnalysisSession>();
  table.rows.forEach((r, i) => {
    if (!(CONDITIONS as readonly string[]).includes(r.instr_type)) {
      throw new Error(`${file}: row ${i + 2}, unknown instr_type '${r.instr_type}'; expected one of ${CONDITIONS.join(', ')}`);
    }
    const isCatch = cell(table, i, 'catch_trial', 'bool') as boolean;
    const block = isCatch ? 'catch' : BLOCK_OF[r.trial_type];
    if (!block) throw new Error(`${file}: row ${i + 2}, unknown trial_type '${r.trial_type}'; expected practice, main or catch`);
    let s = sessions.get(r.session_id);
    if (!s) {
      s = {
        participant: r.participant_id || r.subject_id,
        sessionId: r.session_id,
        condition: r.instr_type,
        imageSet: r.batch,
        completed: cell(table, i, 'completed', 'bool') as boolean,
        instructionMs: cell(table, i, 'instruction_ms', 'optional-number') as number | undefined,
        practiceAttempts: cell(table, i, 'practice_attempts', 'optional-number') as number | undefined,
        totalMs: cell(table, i, 'total_ms', 'optional-number') as number | undefined,
        trials: [],
      };
      sessions.set(r.session_id, s);
    }
    s.trials.push({
      trialId: r.trial_id,
      block,
      attempt: cell(table, i, 'attempt', 'number') as number,
      ...(r.unit && r.layer && !trials ? { unit: r.unit, layer: r.layer } : unitOf(r.trial_id, trials, file)),
      correct: cell(table, i, 'correct', 'bool') as boolean,
      confidence: cell(table, i, 'abs_conf_rating', 'number') as number,
      rtMs: (cell(table, i, 'RT', 'number') as number) * 1000,
      side: r.response,
    });
  });
  const notes = manifest ? [] : ['no stimulus manifest: baselines and the activation difference need one (--manifest)'];
  return dataset(file, [...sessions.values()], manifest, manifestDir, notes);
}
