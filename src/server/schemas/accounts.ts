import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../secrets/passwords.ts';
import { ACCOUNT_ROLES, type Account } from '../../store/accounts.ts';

export const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const accountView = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ACCOUNT_ROLES),
    disabled: z.boolean(),
    hasPassword: z.boolean(),
    presence: z.enum(['online', 'away']),
    presenceAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Account' }) satisfies z.ZodType<Account>;
