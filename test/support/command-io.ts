import type { CommandIo } from '../../gateway/src/commissioning/command.js';

/** A commissioning command's stdout and stderr, kept for assertions (commands run in-process). */
export class CapturedIo implements CommandIo {
  stdout = '';
  stderr = '';
  out = (text: string): void => {
    this.stdout += text;
  };
  err = (text: string): void => {
    this.stderr += text;
  };
}

export const capture = (): CapturedIo => new CapturedIo();
