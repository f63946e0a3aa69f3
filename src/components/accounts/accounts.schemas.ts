import { z } from 'zod';
import { personNameSchema } from '../../lib/person-name';
import { emailSchema } from '../../lib/validation';
import { MIN_PASSWORD_LENGTH } from './password';
import { ROLES } from './user.model';

// Names are printed on signed certificates: normalised, and refused with the position of any character
// that could disguise or hide text (lib/person-name.ts).
const name = personNameSchema(100);

const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(1024);

export const registerSchema = z.strictObject({
  email: emailSchema,
  password: newPassword,
  name,
  nameZh: name.optional(),
});
export type RegisterInput = z.output<typeof registerSchema>;

// Login checks no format: any wrong email or password gets the same 401.
export const loginSchema = z.strictObject({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(1024),
});
export type LoginInput = z.output<typeof loginSchema>;

export const passwordChangeSchema = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword,
});

export const rolesSchema = z.strictObject({
  roles: z
    .array(z.enum(ROLES))
    .min(1)
    .max(ROLES.length)
    .transform((roles) => ROLES.filter((r) => roles.includes(r))),
});

export const userIdParamsSchema = z.strictObject({ id: z.string() });

export const profileSchema = z.strictObject({
  name: name.optional(),
  nameZh: name.nullable().optional(),
  idType: z.string().trim().min(1).max(60).nullable().optional(),
  idNumber: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z]{4,30}$/, 'Use 4 to 30 letters and digits.')
    .nullable()
    .optional(),
});
