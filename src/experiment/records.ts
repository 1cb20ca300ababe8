/**
 * What crosses the wire between the session page and the collection server, and what the export
 * holds: one zod schema per body, used by the client (before it sends) and the server (before it
 * stores). No tfjs, no Node APIs: the page imports it.
 */
import { z } from 'zod';
import { BLOCKS } from './manifest';
import { CONDITIONS } from './study';

/** Recruitment platform parameters read from the start URL, stored with the session. */
export const platformSchema = z.object({
  /** 'prolific' (PROLIFIC_PID, STUDY_ID, SESSION_ID), 'mturk' (workerId, assignmentId, hitId), 'lab' or 'anonymous'. */
  kind: z.enum(['prolific', 'mturk', 'lab', 'anonymous']),
  /** The platform's participant id (PROLIFIC_PID / workerId / a lab id); refused if it already took part. */
  participantId: z.string().max(128).optional(),
  /** Prolific STUDY_ID / MTurk hitId. */
  studyId: z.string().max(128).optional(),
  /** Prolific SESSION_ID / MTurk assignmentId. */
  sessionId: z.string().max(128).optional(),
});
export type Platform = z.infer<typeof platformSchema>;

/** POST /api/studies/:study/sessions */
export const createSessionSchema = z.object({
  platform: platformSchema,
  /** Window size at the start, CSS px. */
  screen: z.object({ width: z.number().int().min(0), height: z.number().int().min(0) }),
  userAgent: z.string().max(512).default(''),
  /**
   * A random key the page draws once and keeps until it has its assignment: when the answer to a
   * create request is lost, the retry with the same key gets the same session and token back
   * (the token is derived from the key) instead of a second session or, with a platform id,
   * "already taken part". Keep it as secret as the token.
   */
  requestKey: z.string().min(16).max(128).optional(),
});
export type CreateSession = z.infer<typeof createSessionSchema>;

/** The server's answer: the assignment, the seed of the participant's order, and the write token. */
export const sessionAssignmentSchema = z.object({
  sessionId: z.string().min(1),
  /** Bearer token for every later write of this session. */
  token: z.string().min(16),
  condition: z.enum(CONDITIONS),
  imageSet: z.number().int().min(0),
  /** Seed of the trial order and the sides (a local seeded generator; never Math.random). */
  seed: z.number().int(),
});
export type SessionAssignment = z.infer<typeof sessionAssignmentSchema>;

/** POST /api/sessions/:id/trials: one response. Idempotent by (session, index). */
export const trialRecordSchema = z.object({
  /** Position in this participant's sequence, 0-based, across practice attempts, main and catch. */
  index: z.number().int().min(0).max(10_000),
  /** The manifest trial id. */
  trialId: z.string().min(1).max(200),
  block: z.enum(BLOCKS),
  /** Practice attempt this trial belongs to (1-based); 1 outside practice. */
  attempt: z.number().int().min(1).max(100),
  /** Which query was shown on the left. */
  leftQuery: z.enum(['max', 'min']),
  /** The side clicked. */
  choice: z.enum(['left', 'right']),
  /** Confidence 1 (not confident) to 3 (very confident), as printed on the clicked button. */
  confidence: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  /** Whether the chosen query is the max one (derived; the server recomputes and refuses a mismatch). */
  correct: z.boolean(),
  /** Milliseconds from the queries being shown to the click. */
  rtMs: z.number().min(0).max(86_400_000),
  /** Client wall clock at the click (ISO 8601). */
  answeredAt: z.string().datetime(),
  /** Milliseconds the session was away (reload, crash) before this trial was shown, when it resumed. */
  gapMs: z.number().min(0).optional(),
});
export type TrialRecord = z.infer<typeof trialRecordSchema>;

/** POST /api/sessions/:id/complete */
export const completeSessionSchema = z.object({
  /** Time on the instruction pages, ms. */
  instructionMs: z.number().min(0),
  /** Practice attempts until all were correct (0 in None). */
  practiceAttempts: z.number().int().min(0).max(100),
  /** From consent to submission, ms. */
  totalMs: z.number().min(0),
  /** Free-text feedback (optional). */
  feedback: z.string().max(10_000).default(''),
  /** Number of trial records the client sent; the server checks it against what it holds. */
  trials: z.number().int().min(0),
});
export type CompleteSession = z.infer<typeof completeSessionSchema>;

/** Which query a click chose, and whether that is correct: the one mapping, for both sides. */
export function chosenQuery(leftQuery: 'max' | 'min', choice: 'left' | 'right'): 'max' | 'min' {
  if (choice === 'left') return leftQuery;
  return leftQuery === 'max' ? 'min' : 'max';
}

/** One session as the export holds it (JSON export: `{ study, exportedAt, sessions: ExportSession[] }`). */
export const exportSessionSchema = z.object({
  sessionId: z.string().min(1),
  study: z.string().min(1),
  condition: z.enum(CONDITIONS),
  imageSet: z.number().int().min(0),
  seed: z.number().int(),
  platform: platformSchema,
  screen: z.object({ width: z.number(), height: z.number() }),
  /** Server clock, ISO 8601. */
  startedAt: z.string(),
  /** Absent while the session is unfinished. */
  completedAt: z.string().optional(),
  instructionMs: z.number().optional(),
  practiceAttempts: z.number().int().optional(),
  totalMs: z.number().optional(),
  feedback: z.string().optional(),
  trials: z.array(trialRecordSchema.extend({ receivedAt: z.string() })),
});
export type ExportSession = z.infer<typeof exportSessionSchema>;

export const exportSchema = z.object({ study: z.string(), exportedAt: z.string(), sessions: z.array(exportSessionSchema) });
export type StudyExport = z.infer<typeof exportSchema>;

/**
 * Columns of the CSV export, one row per trial, in this order. Where the published Borowski et al.
 * 2021 data has a column of the same meaning, its name is used (subject_id, trial_nr, instr_type,
 * trial_type, catch_trial, batch, layer, channel, correct, conf_rating, RT); `conf_rating` is signed as
 * there (negative = left chosen, positive = right), `abs_conf_rating` its absolute value; `RT` is in
 * seconds and booleans are True/False, as there. Session-level values repeat on each of its rows.
 */
export const CSV_COLUMNS = [
  'subject_id', 'session_id', 'trial_nr', 'trial_id', 'instr_type', 'trial_type', 'catch_trial', 'attempt',
  'batch', 'unit', 'layer', 'channel', 'left_query', 'response', 'chosen_query', 'correct', 'conf_rating',
  'abs_conf_rating', 'RT', 'answered_at', 'received_at', 'gap_ms', 'platform', 'participant_id',
  'platform_study_id', 'platform_session_id', 'instruction_ms', 'practice_attempts', 'total_ms', 'completed',
] as const;
