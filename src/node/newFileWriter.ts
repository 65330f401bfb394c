// Streams text into a new file without ever showing half of it or replacing an existing file:
// temp file in the same folder (written as the text comes, so memory stays bounded) → fsync →
// hard link to the final name (fails if it exists) → remove the temp name. On any error the temp
// file is removed and nothing else was created.
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { claimName, sweepStaleTempFiles, syncFolder, TEMP_PREFIX, TEMP_SUFFIX } from './reportWriter';

export class OutputExistsError extends Error {
  constructor(readonly file: string) {
    super(`${file} already exists; it is never overwritten (remove it or name another --out)`);
    this.name = 'OutputExistsError';
  }
}

const MAX_NAME_ATTEMPTS = 10000;

/**
 * Writes `content` to `target`. `ifTaken: 'fail'` throws OutputExistsError when the name exists;
 * `'next-free'` takes `<name>-2<ext>`, `-3`, … instead. Returns the path written.
 */
export async function writeNewFileAtomically(
  target: string,
  content: AsyncIterable<string> | Iterable<string>,
  ifTaken: 'fail' | 'next-free',
): Promise<string> {
  const folder = path.dirname(path.resolve(target));
  const extension = path.extname(target);
  const stem = path.basename(target, extension);
  await fs.mkdir(folder, { recursive: true });
  await sweepStaleTempFiles(folder);
  const temp = path.join(
    folder,
    `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`,
  );
  try {
    const handle = await fs.open(
      temp,
      fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY,
      0o644,
    );
    try {
      for await (const text of content) if (text.length > 0) await handle.write(text, null, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    const attempts = ifTaken === 'fail' ? 1 : MAX_NAME_ATTEMPTS;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const candidate = path.join(
        folder,
        attempt === 1 ? `${stem}${extension}` : `${stem}-${attempt}${extension}`,
      );
      if (await claimName(temp, candidate)) {
        await syncFolder(folder);
        return candidate;
      }
      if (ifTaken === 'fail') throw new OutputExistsError(target);
    }
    throw new OutputExistsError(path.join(folder, `${stem}${extension}`));
  } finally {
    await fs.rm(temp, { force: true });
  }
}
