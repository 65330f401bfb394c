import { CsvError } from '../core/csv/types';

/** One line a user can act on: file and line where known, never a stack trace. */
export function describeError(error: unknown, file?: string): string {
  if (error instanceof CsvError) {
    const where = [
      file,
      error.line !== undefined ? `line ${error.line}` : undefined,
      error.column !== undefined ? `column ${error.column}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    return where && !error.message.includes(`line ${error.line}`)
      ? `${where}: ${error.message}`
      : file
        ? `${file}: ${error.message}`
        : error.message;
  }
  if (error instanceof Error) return file ? `${file}: ${error.message}` : error.message;
  return String(error);
}

/** A refusal the user caused (bad option, unknown column): shown as is, rejected from the command. */
export class UserInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserInputError';
  }
}
