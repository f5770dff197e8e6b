import type { SignUp, SignUpResource } from "@signup/client";
import type { Steps } from "./pages/check-email-page.ts";
import { maskPhone } from "./phone-mask.ts";

/** What is left to prove: every identifier given must be verified before the sign-up completes. */
export function stepsOf(signUp: SignUp): Steps {
  const pending = (field: string) => signUp.unverifiedFields.includes(field);
  return {
    emailPending: pending("email_address"),
    phone: signUp.phoneNumber ? { masked: maskPhone(signUp.phoneNumber), pending: pending("phone_number") } : null,
  };
}

/** After one half is proved, the other is the next step: say which. Undefined when that is not the case. */
export function whatIsLeft(steps: Steps): string | undefined {
  const phonePending = Boolean(steps.phone?.pending);
  if (steps.emailPending && steps.phone && !phonePending) return "Your phone number is verified. Now open the link in the mail, or type its code.";
  if (phonePending && !steps.emailPending) return "Your email address is verified. Now type the code we sent by SMS.";
  return undefined;
}

export type Unsent = { mail: boolean; sms: boolean };

/**
 * Asks for the mail and the SMS the sign-up still needs (a ticket has proved the address, so it
 * gets no mail). The sign-up exists whatever happens here: a failure is reported, not thrown, and
 * the check page offers "send a new one".
 */
export async function prepareVerifications(signUp: SignUpResource, current: SignUp, warn: (what: string, error: unknown) => void): Promise<Unsent> {
  const steps = stepsOf(current);
  const ask = async (what: string, strategy: "email_code" | "phone_code") => {
    try {
      await signUp.prepareVerification({ strategy });
      return false;
    } catch (error) {
      warn(what, error);
      return true;
    }
  };
  const mail = steps.emailPending ? await ask("the verification mail", "email_code") : false;
  const sms = steps.phone?.pending ? await ask("the verification SMS", "phone_code") : false;
  return { mail, sms };
}

/** The check page for this sign-up, flagging what could not be sent. */
export function checkPageUrl(email: string, unsent: Unsent): string {
  return `/signup/check-email?email=${encodeURIComponent(email)}${unsent.mail ? "&unsent=1" : ""}${unsent.sms ? "&sms=unsent" : ""}`;
}
