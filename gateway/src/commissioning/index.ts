import { browseCommand } from './browse-command.js';
import type { CommissioningCommand } from './command.js';
import { initCommand } from './init-command.js';
import { profileCommand } from './profile-command.js';
import { readCommand } from './read-command.js';
import { scanCommand } from './scan-command.js';
import { writeCommand } from './write-command.js';

export { type CommandIo, type CommissioningCommand, PROCESS_IO } from './command.js';

/** The field engineer's commands (issue 24, docs/commissioning.md), each parsing its own arguments. */
export const COMMISSIONING_COMMANDS: Readonly<Record<string, CommissioningCommand>> = {
  scan: scanCommand,
  read: readCommand,
  write: writeCommand,
  browse: browseCommand,
  profile: profileCommand,
  init: initCommand,
};
