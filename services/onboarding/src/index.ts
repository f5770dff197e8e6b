export { onboardUser, ONBOARDING } from "./handlers/onboard-user.ts";
