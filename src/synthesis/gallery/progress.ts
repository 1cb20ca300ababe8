/**
 * A progress line for long builds: units done / total, rate and ETA. On a terminal it redraws one
 * line; in CI logs (not a TTY) it prints a line at most every 10 % so logs stay short.
 */
export interface ProgressBar {
  tick(units: number): void;
  done(): void;
}

export function progressBar(label: string, total: number, stream: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean } = process.stderr): ProgressBar {
  const started = Date.now();
  let done = 0;
  let lastDecile = -1;
  const line = (): string => {
    const seconds = (Date.now() - started) / 1000;
    const rate = done / Math.max(seconds, 1e-3);
    const eta = done > 0 ? (total - done) / rate : NaN;
    const width = 24;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    return `${label} ${bar} ${done}/${total} units, ${rate.toFixed(2)} units/s, ETA ${Number.isFinite(eta) ? formatSeconds(eta) : '?'}`;
  };
  return {
    tick(units) {
      done += units;
      if (stream.isTTY) stream.write(`\r${line()}`);
      else {
        const decile = Math.floor((done / Math.max(total, 1)) * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          stream.write(`${line()}\n`);
        }
      }
    },
    done() {
      if (stream.isTTY) stream.write(`\r${line()}\n`);
    },
  };
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}
