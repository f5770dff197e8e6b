import { z } from "zod";
import { defineEvent } from "../envelope.ts";

/** Onboarding added a verified user to a team that had invited the address; the user is told. */
export const InviteAccepted = defineEvent("InviteAccepted", 1, z.object({ userId: z.uuid(), teamId: z.uuid(), inviteId: z.uuid() }));
