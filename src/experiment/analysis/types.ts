/**
 * The one shape every reader produces and every analysis reads: sessions of trials, whatever file
 * they came from (Glimpse's export, a manifest plus responses, or the published Borowski et al. 2021
 * CSVs). No tfjs, no Node APIs.
 */
import type { Manifest } from '../manifest';

/** One answered trial. */
export interface AnalysisTrial {
  /** Stable trial id: identical stimuli have identical ids across participants (kappa aligns on it). */
  trialId: string;
  block: 'practice' | 'main' | 'catch';
  /** Practice attempt (1-based); 1 outside practice. */
  attempt: number;
  /** Layer and unit the trial probes ("layer:channel" for Glimpse; "4e, 3x3" style for Borowski). */
  layer: string;
  unit: string;
  correct: boolean;
  /** 1 (not confident) to 3 (very confident), as printed on the clicked button. */
  confidence: number;
  rtMs: number;
  /** Screen side clicked: left/right (Glimpse) or a/b (Borowski: upper/lower). */
  side: string;
}

/** One participant in one condition. Between-subject designs have one per participant. */
export interface AnalysisSession {
  /** Participant id (a participant of a within-subject design has several sessions). */
  participant: string;
  sessionId: string;
  condition: string;
  /** Image set key: sessions with the same key saw identical queries. */
  imageSet: string;
  /** Optional participant group (Borowski Exp. II: expert / naive). */
  group?: string;
  trials: AnalysisTrial[];
  /** Absent where the source has no such column. */
  instructionMs?: number;
  totalMs?: number;
  practiceAttempts?: number;
  /** False for a session that never submitted. */
  completed: boolean;
}

export interface Dataset {
  /** File(s) read, for messages and the results' provenance. */
  source: string;
  format: 'glimpse' | 'borowski2021';
  /** Conditions in display order, with labels. */
  conditions: { id: string; label: string }[];
  sessions: AnalysisSession[];
  /** The stimulus manifest and its folder, when known (baselines, activation difference). */
  manifest?: Manifest;
  manifestDir?: string;
  /** Which session fields exist in the source: exclusion rules on absent ones are reported as not checked. */
  has: { instructionMs: boolean; totalMs: boolean; practiceAttempts: boolean };
  /** What the reader left out or assumed, in words (printed and kept in the results). */
  notes: string[];
}
