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

/**
 * Text from a webview shown in a notification: notifications turn `[label](target)` into a link
 * (a `command:` target runs a command when clicked), so no brackets pass, and it stays short.
 */
export function notificationText(text: string): string {
  const plain = text.replace(/\[/g, '(').replace(/\]/g, ')');
  return plain.length > 500 ? `${plain.slice(0, 500)}…` : plain;
}
