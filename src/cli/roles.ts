import { ROLES, type Role } from '../vocabulary/roles.ts';
import { CliError } from './errors.ts';

export function parseRole(value: string): Role {
  if ((ROLES as readonly string[]).includes(value)) return value as Role;
  throw new CliError(`unknown role "${value}" (expected ${ROLES.join(', ')})`, 2);
}
