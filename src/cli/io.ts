// What a CLI command may touch of the outside world: injected so commands are testable in-process.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Progress goes to stderr only when it is a terminal. */
  stderrIsTTY: boolean;
  cwd: string;
}

/** Bad arguments or bad input: one line on stderr, exit code 2, nothing written. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_DIVERGED = 3;
