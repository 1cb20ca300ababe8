/**
 * The export: JSON (`StudyExport`, every session with its trials) and CSV (one row per trial, in
 * records.ts's CSV_COLUMNS). Unit, layer and channel come from the stimulus manifest by trial id.
 * Booleans are written True/False and RT in seconds, as in the published Borowski et al. 2021 CSVs.
 */
import type { ManifestTrial } from '../manifest';
import { chosenQuery, CSV_COLUMNS, type ExportSession, type StudyExport } from '../records';

type CsvColumn = (typeof CSV_COLUMNS)[number];

export function studyExport(study: string, sessions: ExportSession[], exportedAt = new Date().toISOString()): StudyExport {
  return { study, exportedAt, sessions };
}

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const s = typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(data: StudyExport, trials: ReadonlyMap<string, ManifestTrial>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const s of data.sessions) {
    for (const t of s.trials) {
      const unit = trials.get(t.trialId);
      const row: Record<CsvColumn, unknown> = {
        subject_id: s.platform.participantId ?? s.sessionId,
        session_id: s.sessionId,
        trial_nr: t.index,
        trial_id: t.trialId,
        instr_type: s.condition,
        trial_type: t.block,
        catch_trial: t.block === 'catch',
        attempt: t.attempt,
        batch: s.imageSet,
        unit: unit?.unit,
        layer: unit?.layer,
        channel: unit?.channel,
        left_query: t.leftQuery,
        response: t.choice,
        chosen_query: chosenQuery(t.leftQuery, t.choice),
        correct: t.correct,
        conf_rating: t.choice === 'left' ? -t.confidence : t.confidence,
        abs_conf_rating: t.confidence,
        RT: t.rtMs / 1000,
        answered_at: t.answeredAt,
        received_at: t.receivedAt,
        gap_ms: t.gapMs,
        platform: s.platform.kind,
        participant_id: s.platform.participantId,
        platform_study_id: s.platform.studyId,
        platform_session_id: s.platform.sessionId,
        instruction_ms: s.instructionMs,
        practice_attempts: s.practiceAttempts,
        total_ms: s.totalMs,
        completed: s.completedAt !== undefined,
      };
      lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
