import { z } from "zod";

const optionalText = (max: number) => z.string().trim().min(1).max(max).optional();

/** The public sign-up body. Unknown fields are refused so a typo never passes silently. */
export const registerBody = z.strictObject({
  email: z.string().trim().max(254).pipe(z.email({ message: "Enter a valid email address." })),
  password: z.string().min(8, "Use at least 8 characters.").max(128, "Use at most 128 characters.").optional(),
  username: z.string().trim().regex(/^[A-Za-z0-9._-]{3,64}$/, "3 to 64 letters, digits, dots, dashes or underscores.").optional(),
  firstName: optionalText(100),
  lastName: optionalText(100),
  metadata: z
    .record(z.string(), z.unknown())
    .refine((value) => JSON.stringify(value).length <= 4_096, "metadata is limited to 4 KB of JSON.")
    .optional(),
});

export type RegisterInput = z.output<typeof registerBody>;
