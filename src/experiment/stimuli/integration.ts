/**
 * Astro integration: before the site builds, make sure every study's stimuli are current. The check
 * needs no tfjs (check.ts: study parsed, weights hashed, manifest read, files checked; milliseconds),
 * which matters because this runs in Vite's module runner, where tfjs-core's ESM build does not load.
 * A stale study (its file, the model's weights, the natural images or the code changed) is rebuilt
 * by `glimpse experiment build --study <id>` in a child process, where unchanged units are cache
 * hits. GLIMPSE_STUDIES=skip leaves it out.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { AstroIntegration } from 'astro';
import { listStudies, loadStudy, REPO_ROOT } from '../load-study';
import { checkManifest } from './check';

function runBuild(id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/glimpse.mjs'), 'experiment', 'build', '--study', id], { stdio: 'inherit', cwd: REPO_ROOT });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`glimpse experiment build --study ${id} exited with code ${code}`))));
  });
}

export default function glimpseStudies(): AstroIntegration {
  return {
    name: 'glimpse-studies',
    hooks: {
      'astro:build:start': async ({ logger }) => {
        if (process.env.GLIMPSE_STUDIES === 'skip') {
          logger.info('study stimuli skipped (GLIMPSE_STUDIES=skip)');
          return;
        }
        for (const id of listStudies()) {
          const t0 = performance.now();
          const fresh = checkManifest(loadStudy(id));
          if (fresh.current) {
            logger.info(`study ${id}: ${fresh.manifest.trials.length} trials, stimuli current (${Math.round(performance.now() - t0)} ms)`);
            continue;
          }
          logger.info(`study ${id}: ${fresh.reason}; building with 'glimpse experiment build --study ${id}'`);
          await runBuild(id);
        }
      },
    },
  };
}
