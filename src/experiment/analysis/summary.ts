/** The printed summary of `glimpse experiment analyze`: every figure's headline numbers as text. */
import type { ExperimentResults } from './analyze';
import type { MeanSem } from './stats';

const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(1)} %`);
export const formatMeanSem = (m: MeanSem, scale = 100, unit = ' %'): string =>
  m.mean === null ? `no data (${m.note})` : `${(m.mean * scale).toFixed(1)}${m.twoSem === null ? `${unit} (${m.note})` : ` +/- ${(m.twoSem * scale).toFixed(1)}${unit}`}`;

export function summarize(r: ExperimentResults): string {
  const label = (id: string) => r.conditions.find((c) => c.id === id)?.label ?? id;
  const width = Math.max(10, ...r.conditions.map((c) => c.label.length));
  const out: string[] = [`${r.source} (${r.format})`];
  for (const n of r.notes) out.push(`  note: ${n}`);
  out.push(`participants: ${r.participants.total}, included ${r.participants.included}, excluded ${r.participants.excluded}`);
  for (const p of r.participants.perParticipant.filter((x) => !x.included)) out.push(`  excluded ${p.participant}: ${p.reasons.join('; ')}`);
  const unchecked = [...new Set(r.participants.perParticipant.flatMap((p) => p.checks.filter((c) => c.passed === null).map((c) => c.rule)))];
  if (unchecked.length) out.push(`  not checked (no data): ${unchecked.join(', ')}`);
  out.push('', 'proportion correct (main trials; mean +/- 2 SEM over participants):');
  for (const a of r.accuracy) out.push(`  ${label(a.condition).padEnd(width)}  n=${String(a.n).padStart(3)}  ${formatMeanSem(a)}`);
  if (r.accuracyByGroup.length) {
    out.push('', 'by group:');
    for (const g of r.accuracyByGroup) out.push(`  ${label(g.condition).padEnd(width)}  ${g.key.padEnd(8)} n=${String(g.n).padStart(3)}  ${formatMeanSem(g)}`);
  }
  out.push('', 'by layer:');
  const layers = [...new Set(r.accuracyByLayer.map((l) => l.key))];
  out.push(`  ${''.padEnd(width)}  ${layers.map((l) => l.padStart(7)).join('')}`);
  for (const c of r.conditions) {
    out.push(`  ${c.label.padEnd(width)}  ${layers.map((l) => pct(r.accuracyByLayer.find((x) => x.condition === c.id && x.key === l)?.mean ?? null).padStart(7)).join('')}`);
  }
  out.push('', 'confidence (share of main trials; proportion correct at that level):');
  for (const c of r.conditions) {
    const rows = r.confidence.filter((x) => x.condition === c.id);
    out.push(`  ${c.label.padEnd(width)}  ${rows.map((x) => `${x.confidence}: ${pct(x.proportion)} (${pct(x.proportionCorrect)})`).join('   ')}`);
  }
  out.push('', 'reaction time (median [IQR] over main trials):');
  for (const t of r.reactionTime) {
    out.push(`  ${label(t.condition).padEnd(width)}  ${t.medianMs === null ? '-' : `${(t.medianMs / 1000).toFixed(2)} s [${(t.q25Ms! / 1000).toFixed(2)}, ${(t.q75Ms! / 1000).toFixed(2)}]`}`);
  }
  out.push('');
  if (r.baselines.available) {
    out.push('baselines (proportion correct on the trials participants saw):');
    for (const b of r.baselines.rows) out.push(`  ${b.baseline.padEnd(width)}  ${pct(b.proportionCorrect)} of ${b.trials} trials (${pct(b.allProportionCorrect)} of all ${b.allTrials} main trials)`);
  } else out.push(`baselines: not computed (${r.baselines.reason})`);
  out.push('', "error consistency (Cohen's kappa, same image set; mean +/- 2 SEM over pairs):");
  const ec = r.errorConsistency;
  const cw = 16;
  out.push(`  ${''.padEnd(width)}  ${ec.columns.map((c) => label(c).slice(0, cw - 1).padStart(cw)).join('')}`);
  for (const row of ec.rows) {
    const cells = ec.columns.map((col) => {
      const c = ec.cells.find((x) => x.row === row && x.column === col)!;
      return (c.mean === null ? '-' : c.twoSem === null ? `${c.mean.toFixed(2)} (1)` : `${c.mean.toFixed(2)}+/-${c.twoSem.toFixed(2)}`).padStart(cw);
    });
    out.push(`  ${label(row).padEnd(width)}  ${cells.join('')}`);
  }
  out.push('');
  if (r.activationDifference.available) {
    out.push('accuracy vs relative activation difference (Spearman over trials):');
    for (const s of r.activationDifference.spearman) out.push(`  ${(s.condition === 'all' ? 'all' : label(s.condition)).padEnd(width)}  rho=${s.rho === null ? '-' : s.rho.toFixed(3)}  p=${s.p === null ? '-' : s.p.toPrecision(3)}  n=${s.n}`);
  } else out.push(`activation difference: not computed (${r.activationDifference.reason})`);
  return out.join('\n');
}
