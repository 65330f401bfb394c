// Writes run reports so that a reader never sees half a file and no report is ever replaced:
// temp file in the same folder → fsync → hard link to a free name (link fails if the name exists,
// unlike rename, which silently replaces) → remove the temp name → fsync the folder.
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export const TEMP_SUFFIX = '.tmp';
export const TEMP_PREFIX = '.csv-trainer-';
/** Temp files older than this are leftovers of a crashed writer. */
export const STALE_TEMP_MS = 10 * 60 * 1000;
const MAX_NAME_ATTEMPTS = 10000;

export class ReportFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportFolderError';
  }
}

export interface WriteReportOptions {
  /** When the folder lies inside this root, its real path (symlinks resolved) must too. */
  workspaceRoot?: string;
}

/**
 * Writes `report` as `<folder>/<baseName>.json`, or `<baseName>-2.json`, `-3`, … when taken.
 * Creates the folder. Returns the path written.
 */
export async function writeReportAtomically(
  folder: string,
  baseName: string,
  report: unknown,
  options: WriteReportOptions = {},
): Promise<string> {
  const base = baseName.replace(/\.json$/i, '');
  if (!base || base.includes('/') || base.includes('\\'))
    throw new ReportFolderError(`invalid report name "${baseName}"`);
  const target = path.resolve(folder);
  if (options.workspaceRoot) await refuseEscapingFolder(target, path.resolve(options.workspaceRoot));
  await fs.mkdir(target, { recursive: true });
  if (options.workspaceRoot) await refuseEscapingFolder(target, path.resolve(options.workspaceRoot));
  await sweepStaleTempFiles(target);

  const temp = path.join(
    target,
    `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`,
  );
  const handle = await fs.open(temp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o644);
  try {
    await handle.writeFile(JSON.stringify(report, null, 2) + '\n', 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      const candidate = path.join(target, attempt === 1 ? `${base}.json` : `${base}-${attempt}.json`);
      if (await claimName(temp, candidate)) {
        await syncFolder(target);
        return candidate;
      }
    }
    throw new ReportFolderError(`no free report name for "${base}" in ${target}`);
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** True when `candidate` now holds the temp file's content; false when the name was taken. */
export async function claimName(temp: string, candidate: string): Promise<boolean> {
  try {
    await fs.link(temp, candidate);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
  }
  // No hard links on this file system: copy exclusively (COPYFILE_EXCL never replaces a file).
  try {
    await fs.copyFile(temp, candidate, fsConstants.COPYFILE_EXCL);
    const handle = await fs.open(candidate, 'r+');
    await handle.sync();
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await fs.open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the file itself is synced.
  }
}

/** Removes this writer's temp files left by crashed runs (older than STALE_TEMP_MS). */
export async function sweepStaleTempFiles(folder: string, nowMs = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await fs.readdir(folder)) {
    if (!name.startsWith(TEMP_PREFIX) || !name.endsWith(TEMP_SUFFIX)) continue;
    const file = path.join(folder, name);
    try {
      const stat = await fs.lstat(file);
      if (stat.isFile() && nowMs - stat.mtimeMs > STALE_TEMP_MS) {
        await fs.rm(file, { force: true });
        removed++;
      }
    } catch {
      // Raced with another sweeper: nothing to do.
    }
  }
  return removed;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * A folder named inside the workspace must stay inside once symlinks are resolved; checks the
 * deepest existing ancestor before creating anything, so nothing is created through the link.
 */
async function refuseEscapingFolder(folder: string, root: string): Promise<void> {
  if (!isInside(root, folder)) return;
  const realRoot = await fs.realpath(root).catch(() => root);
  let existing = folder;
  for (;;) {
    try {
      await fs.lstat(existing);
      break;
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return;
      existing = parent;
    }
  }
  const real = await fs.realpath(existing);
  if (!isInside(realRoot, real))
    throw new ReportFolderError(
      `refusing to write reports to ${folder}: it resolves to ${real}, outside the workspace ${root}`,
    );
}
