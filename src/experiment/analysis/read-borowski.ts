/**
 * Reader for the published per-trial CSVs of Borowski et al. (ICLR 2021), `--format borowski2021`
 * (column dictionary: public/data/borowski2021/README.md). Experiment I is within-subject over
 * instr_type (optimized = synthetic, natural, none_pre, none_post); Experiment II crosses instr_type
 * with condition_name (Max-1, Min-Max-1, Max-9, Min-Max-9). A session is one participant in one
 * condition. Trials are identified by their query images' folder, which names layer, branch, channel
 * and batch, so the same stimuli share an id across participants and conditions.
 */
import { parseCsv, requireColumns, type Table } from './csv';
import type { AnalysisSession, AnalysisTrial, Dataset } from './types';

const NEEDED = ['subject_id', 'instr_type', 'trial_type', 'catch_trial', 'batch', 'layer', 'correct', 'RT', 'response', 'abs_conf_rating', 'query_image_a', 'unit_name'] as const;
const INSTR: Record<string, string> = { optimized: 'synthetic', natural: 'natural', none_pre: 'none (first block)', none_post: 'none (last block)' };
const GRID: Record<string, string> = { 'Max-1': 'max, 1 image', 'Min-Max-1': 'min+max, 1 image', 'Max-9': 'max, 9 images', 'Min-Max-9': 'min+max, 9 images' };
const TRIAL_TYPES = ['practice', 'main', 'repeated'];

function bool(table: Table, row: number, column: string): boolean {
  const v = table.rows[row][column];
  if (v === 'True' || v === 'true' || v === '1') return true;
  if (v === 'False' || v === 'false' || v === '0') return false;
  throw new Error(`${table.file}: row ${row + 2}, column '${column}' is '${v}'; expected True or False`);
}

function num(table: Table, row: number, column: string): number {
  const v = Number(table.rows[row][column]);
  if (table.rows[row][column] === '' || !Number.isFinite(v)) throw new Error(`${table.file}: row ${row + 2}, column '${column}' is '${table.rows[row][column]}'; expected a number`);
  return v;
}

function known(table: Table, row: number, column: string, allowed: readonly string[]): string {
  const v = table.rows[row][column];
  if (!allowed.includes(v)) throw new Error(`${table.file}: row ${row + 2}, unknown ${column} '${v}'; expected one of ${allowed.join(', ')}`);
  return v;
}

/** Display order: instr_type as the README lists it, then the grid conditions. */
function rank(id: string): number {
  const [instr, cond] = id.split('/');
  return Object.keys(INSTR).indexOf(instr) * 10 + (cond ? Object.keys(GRID).indexOf(cond) : 0);
}

/** Reads one Borowski 2021 main-trial CSV (experiment I or II). */
export function readBorowski(text: string, file: string): Dataset {
  const table = parseCsv(text, file);
  requireColumns(table, NEEDED, 'borowski2021 (the published *_main_practice_catch*_preprocessed.csv)');
  const grid = table.columns.includes('condition_name');
  const sessions = new Map<string, AnalysisSession>();
  const order = new Map<string, string>();
  let repeated = 0;
  table.rows.forEach((r, i) => {
    const instr = known(table, i, 'instr_type', Object.keys(INSTR));
    const type = known(table, i, 'trial_type', TRIAL_TYPES);
    if (type === 'repeated') { repeated++; return; }
    const cond = grid ? `${instr}/${known(table, i, 'condition_name', Object.keys(GRID))}` : instr;
    if (!order.has(cond)) order.set(cond, grid ? `${INSTR[instr]}, ${GRID[cond.split('/')[1]]}` : INSTR[instr]);
    const participant = r.subject_id;
    if (participant === '') throw new Error(`${file}: row ${i + 2}, column 'subject_id' is empty`);
    const key = `${participant}|${cond}`;
    let s = sessions.get(key);
    if (!s) {
      s = { participant, sessionId: key, condition: cond, imageSet: '', trials: [], completed: true, group: r.expert_level || undefined };
      sessions.set(key, s);
    }
    const isCatch = bool(table, i, 'catch_trial');
    const block: AnalysisTrial['block'] = type === 'practice' ? 'practice' : isCatch ? 'catch' : 'main';
    const unitName = r.unit_name.trim();
    const folder = r.query_image_a.slice(0, r.query_image_a.lastIndexOf('/'));
    s.trials.push({
      trialId: folder,
      block,
      attempt: 1,
      layer: unitName.split(',')[0].trim(),
      unit: `${unitName} (${r.channel ?? ''})`,
      correct: bool(table, i, 'correct'),
      confidence: num(table, i, 'abs_conf_rating'),
      rtMs: num(table, i, 'RT') * 1000,
      side: r.response,
    });
    if (block === 'main') {
      const set = grid ? `${r.batch_block}/batch ${r.batch}` : `batch ${r.batch}`;
      if (s.imageSet === '') s.imageSet = set;
      else if (!s.imageSet.split(' + ').includes(set)) s.imageSet = `${s.imageSet} + ${set}`;
    }
  });
  const notes = ['published data: exclusions were applied by the authors before release; instruction time, total time and practice attempts are not in the CSV'];
  if (repeated > 0) notes.push(`${repeated} repeated trials (trial_type 'repeated', a test-retest block) left out`);
  return {
    source: file,
    format: 'borowski2021',
    conditions: [...order].map(([id, label]) => ({ id, label })).sort((a, b) => rank(a.id) - rank(b.id)),
    sessions: [...sessions.values()],
    has: { instructionMs: false, totalMs: false, practiceAttempts: false },
    notes,
  };
}
