import { userInfo } from 'node:os';
import type { Actor } from '../store/audit.ts';

/** Who runs a command: the CLI, as the operating system's user (the audit log's "who"). */
export function cliActor(): Actor {
  let name: string | null = null;
  try {
    name = userInfo().username;
  } catch {
    // No user name (a container without an /etc/passwd entry): the CLI all the same.
  }
  return { kind: 'cli', name };
}
