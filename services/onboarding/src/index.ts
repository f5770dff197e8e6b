export { onboardUser, ONBOARDING } from "./handlers/onboard-user.ts";
export { applyInvite } from "./handlers/apply-invite.ts";
