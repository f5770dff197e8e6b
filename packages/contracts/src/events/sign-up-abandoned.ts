import { z } from "zod";
import { defineEvent } from "../envelope.ts";

/**
 * A sign-up was abandoned and its personal fields erased; the pending account it had recorded is
 * gone from our tables, so the IdP's ids travel here for the provisioner to remove that user too.
 */
export const SignUpAbandoned = defineEvent(
  "SignUpAbandoned",
  1,
  z.object({ signUpId: z.uuid(), userId: z.uuid().nullable(), idp: z.string().nullable(), idpInternalId: z.string().nullable() }),
);
