// The CLI run in-process, as a user's shell would run it in `cwd`: exit code and what it printed.
import { runCli } from '../../src/cli/main';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliIn(cwd: string, argv: string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stderrIsTTY: false,
    cwd,
  });
  return { code, stdout, stderr };
}
