// What the benchmarks share: each measured thing runs in its own Node process (so its peak memory
// is its own), from a bundle of the benchmark file itself, as the shipped CLI runs: a bundle under
// plain Node, not through the tsx loader (which alone adds about 50 MB).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Bundles `entry` (a benchmark file) into `dataDir/.<name>.js` and returns that path; the CLI's
 * CSV reader thread goes beside it (`rowWorker.js`), where the bundled CLI code looks for it.
 */
export function bundleForChildren(entry: string, dataDir: string, name: string): string {
  // esbuild is a dev dependency (the project's bundler); loaded lazily so the child needs none of it.
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    entryPoints: { [`.${name}`]: entry, rowWorker: join(__dirname, '../src/node/rowWorker.ts') },
    outdir: dataDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['esbuild'],
    logLevel: 'error',
  });
  return join(dataDir, `.${name}.js`);
}

/** Runs `bundle --child task …args` and returns the JSON on the last line of its stdout. */
export function measureInChild<T>(bundle: string, task: string, ...args: string[]): T {
  const child = spawnSync(process.execPath, [bundle, '--child', task, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`${task} failed: ${child.stderr.trim()}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as T;
}
