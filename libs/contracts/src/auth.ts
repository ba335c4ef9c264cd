import { z } from 'zod';

export const Role = z.enum(['trainee', 'author']);
export type Role = z.infer<typeof Role>;

/** Who is calling; every command that touches user data carries it and is scoped to it. */
export interface Caller {
  userId: string;
  roles: Role[];
}

export const DevTokenRequestSchema = z.object({
  userId: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
  roles: z.array(Role).min(1).default(['trainee']),
});
