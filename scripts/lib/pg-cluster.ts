/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temp folder, `postgres` listening only on a
 * unix socket in that folder (no TCP port, so no clash with anything), trust auth, removed on stop.
 * PostgreSQL refuses to run as root: as root the cluster runs as the `postgres` user (runuser).
 * Finds Debian's binaries under /usr/lib/postgresql/<version>/bin (scripts/test.sh installs them).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  /** A connection string for pg (socket folder as host). */
  url: string;
  stop(): Promise<void>;
}

export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (/usr/lib/postgresql/<version>/bin); scripts/test.sh installs Debian\'s postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-pg-'));
  chmodSync(dir, 0o777);
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'postgres' : (process.env.USER ?? 'postgres');
  const run = (file: string, args: string[]): string[] => (asRoot ? ['runuser', '-u', 'postgres', '--', file, ...args] : [file, ...args]);
  const data = join(dir, 'data');
  const [cmd, ...args] = run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', user, '--no-sync', '-E', 'UTF8']);
  execFileSync(cmd, args, { stdio: 'pipe' });
  const port = 5432;
  const [pcmd, ...pargs] = run(join(bin, 'postgres'), [
    '-D', data, '-k', dir, '-p', String(port), '-c', 'listen_addresses=', '-c', 'fsync=off', '-c', 'max_connections=50',
  ]);
  const child: ChildProcess = spawn(pcmd, pargs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => { log += d.toString(); });
  const socket = join(dir, `.s.PGSQL.${port}`);
  for (let i = 0; !existsSync(socket); i += 1) {
    if (child.exitCode !== null || i > 300) throw new Error(`PostgreSQL did not start: ${log.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Never leave a postmaster behind if the test process ends without stop().
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const orphanGuard = (): void => { try { process.kill(postmaster, 'SIGQUIT'); } catch { /* gone */ } };
  process.once('exit', orphanGuard);
  await new Promise((r) => setTimeout(r, 200)); // the socket exists just before connections are accepted
  return {
    url: `postgresql://${user}@/postgres?host=${encodeURIComponent(dir)}&port=${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // Signal the postmaster itself (runuser does not pass SIGINT on): SIGINT = fast shutdown.
        process.kill(postmaster, 'SIGINT');
        await exited;
      }
      process.off('exit', orphanGuard);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
