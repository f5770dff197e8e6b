import { z } from "zod";
import { defineEvent } from "../envelope.ts";

/** An admin invited an address to a team; if that address is already verified, onboarding applies it now. */
export const InviteCreated = defineEvent("InviteCreated", 1, z.object({ inviteId: z.uuid(), teamId: z.uuid() }));
