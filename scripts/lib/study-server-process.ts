/**
 * `glimpse experiment serve` as a child process, for the tests and the load benchmark that need the
 * real server (its CLI, its store, a process that can be killed): starts it on 127.0.0.1, waits for
 * the line that says where it listens, and stops it (SIGTERM) or kills it (SIGKILL, no clean close).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/glimpse.mjs', import.meta.url));

export interface StudyServerProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything it printed, for failure messages. */
  output(): string;
  /** SIGTERM and wait for the exit (the server closes the store cleanly). */
  stop(): Promise<void>;
  /** SIGKILL and wait: a crash, nothing flushed or closed. */
  kill(): Promise<void>;
}

export interface StartOptions {
  database: string;
  site: string;
  /** 0 = any free port. */
  port?: number;
  adminToken: string;
  /** How long to wait for the server to listen (ms). */
  timeoutMs?: number;
}

export function startStudyServer(options: StartOptions): Promise<StudyServerProcess> {
  const args = [BIN, 'experiment', 'serve', '--site', options.site, '--database', options.database, '--host', '127.0.0.1', '--port', String(options.port ?? 0)];
  const child = spawn(process.execPath, args, { env: { ...process.env, GLIMPSE_ADMIN_TOKEN: options.adminToken }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void end('SIGKILL'); reject(new Error(`glimpse experiment serve did not start in time; it printed:\n${text}`)); }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const match = /glimpse experiment server at (http:\/\/[^\s]+)/.exec(text);
      if (!match) return;
      clearTimeout(timer);
      const url = match[1];
      resolve({ url, port: Number(new URL(url).port), child, output: () => text, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`glimpse experiment serve exited (${code ?? signal}) before listening; it printed:\n${text}`));
    });
  });
}
