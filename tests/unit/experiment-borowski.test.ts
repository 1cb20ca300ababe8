/**
 * The published Borowski et al. (ICLR 2021) data through `--format borowski2021`: per-condition
 * proportions correct, n and 2 x SEM. Expected values come from an independent computation, a
 * python3 script run once by hand on the same CSVs (csv.DictReader; rows with trial_type == "main"
 * and catch_trial == "False"; per subject_id the fraction of correct == "True"; mean and
 * 2 * population SD / sqrt(n) over subjects; conditions = instr_type, + "/" + condition_name in
 * Experiment II), printed to 6 decimals and pasted here. Also: the readers' bad-input errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/experiment/analysis/analyze';
import { readBorowski } from '../../src/experiment/analysis/read-borowski';
import { readGlimpseCsv, readGlimpseJson } from '../../src/experiment/analysis/read-glimpse';
import { CSV_COLUMNS } from '../../src/experiment/records';

const DIR = 'public/data/borowski2021';
const EXP1 = `${DIR}/experiment_I_main_practice_catch_repeated_trials_preprocessed.csv`;
const EXP2 = `${DIR}/experiment_II_main_practice_catch_trials_preprocessed.csv`;

// [condition, n, mean, 2 SEM] from the python script.
const EXPECTED: Record<string, [string, number, number, number][]> = {
  [EXP1]: [
    ['none_pre', 10, 0.446047, 0.077269], ['optimized', 10, 0.820000, 0.040466],
    ['natural', 10, 0.922222, 0.016924], ['none_post', 10, 0.415217, 0.061242],
  ],
  [EXP2]: [
    ['optimized/Max-1', 23, 0.652174, 0.053064], ['natural/Max-1', 23, 0.730435, 0.041127],
    ['optimized/Min-Max-1', 23, 0.758696, 0.053833], ['natural/Min-Max-1', 23, 0.836957, 0.047316],
    ['optimized/Max-9', 23, 0.667391, 0.036173], ['natural/Max-9', 23, 0.810870, 0.034759],
    ['optimized/Min-Max-9', 23, 0.717391, 0.041978], ['natural/Min-Max-9', 23, 0.908696, 0.033482],
  ],
};

describe('published Borowski 2021 data', () => {
  for (const file of [EXP1, EXP2]) {
    it(`${file.split('/').pop()}: proportion correct per condition`, () => {
      const r = analyze(readBorowski(readFileSync(file, 'utf8'), file));
      expect(r.participants.excluded).toBe(0);
      expect(r.accuracy.map((a) => a.condition).sort()).toEqual(EXPECTED[file].map((e) => e[0]).sort());
      for (const [condition, n, mean, twoSem] of EXPECTED[file]) {
        const a = r.accuracy.find((x) => x.condition === condition)!;
        expect(a.n, condition).toBe(n);
        expect(a.mean!, condition).toBeCloseTo(mean, 5);
        expect(a.twoSem!, condition).toBeCloseTo(twoSem, 5);
      }
      // Every condition's confidence shares sum to 1; the kappa matrix is conditions x conditions.
      for (const c of r.conditions) expect(r.confidence.filter((x) => x.condition === c.id).reduce((s, x) => s + x.proportion, 0)).toBeCloseTo(1, 12);
      expect(r.errorConsistency.cells.length).toBe(r.conditions.length ** 2);
      expect(r.activationDifference.available).toBe(false);
    });
  }
  it('experiment I leaves out the repeated block and labels optimized as synthetic', () => {
    const d = readBorowski(readFileSync(EXP1, 'utf8'), EXP1);
    expect(d.notes.some((n) => n.startsWith('180 repeated trials'))).toBe(true);
    expect(d.conditions[0]).toEqual({ id: 'optimized', label: 'synthetic' });
  });
});

describe('bad input', () => {
  it('an empty file is an error, not zeros', () => {
    expect(() => readBorowski('', 'x.csv')).toThrow('x.csv: empty file');
    expect(() => readBorowski('subject_id,instr_type\n', 'h.csv')).toThrow('h.csv: no data rows');
    expect(() => readGlimpseJson('  ', 'e.json')).toThrow('e.json: empty file');
  });
  it('a missing column names the file, the column and what is expected', () => {
    const text = readFileSync(EXP1, 'utf8').split('\n').slice(0, 3).join('\n').replace(',correct,', ',korrekt,');
    expect(() => readBorowski(text, 'cut.csv')).toThrow(/^cut\.csv: missing column 'correct'; borowski2021 .* expects subject_id, instr_type/);
  });
  it('an unknown condition names the file, the row, the column and the allowed values', () => {
    const lines = readFileSync(EXP1, 'utf8').split('\n').slice(0, 3);
    lines[2] = lines[2].replace(',none_pre,', ',sinthetic,');
    expect(() => readBorowski(lines.join('\n'), 'typo.csv')).toThrow("typo.csv: row 3, unknown instr_type 'sinthetic'; expected one of optimized, natural, none_pre, none_post");
    const header = CSV_COLUMNS.join(',');
    const row = CSV_COLUMNS.map((c) => ({ instr_type: 'blurry', catch_trial: 'false', trial_type: 'main' } as Record<string, string>)[c] ?? '1').join(',');
    expect(() => readGlimpseCsv(`${header}\n${row}\n`, 'g.csv')).toThrow("g.csv: row 2, unknown instr_type 'blurry'; expected one of synthetic, natural, mixed, blur, none");
  });
  it('a JSON file that is not an export says where it breaks', () => {
    expect(() => readGlimpseJson('{"study":"s","exportedAt":"t","sessions":[{"condition":"x"}]}', 'bad.json')).toThrow(/^bad\.json: not a Glimpse export: at 'sessions\.0\./);
  });
});

describe('parseCsv', () => {
  it('reads quoted fields with commas, "" escapes and CRLF', async () => {
    const { parseCsv } = await import('../../src/experiment/analysis/csv');
    const t = parseCsv('a,b,c\r\n"x,1","he said ""hi""",\r\n2,,3\n', 'q.csv');
    expect(t.rows).toEqual([{ a: 'x,1', b: 'he said "hi"', c: '' }, { a: '2', b: '', c: '3' }]);
    expect(() => parseCsv('a,b\n1\n', 'short.csv')).toThrow('short.csv: row 2 has 1 fields, the header has 2');
  });
});
