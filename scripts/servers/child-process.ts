import type { ChildProcess } from 'node:child_process';

/** SIGTERM a server process the harness started and wait until it has exited (a no-op when it already has). */
export async function terminate(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
