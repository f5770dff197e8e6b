import { cooldownButton } from "./cooldown-button.js";
import { checkFields, showAlert, whileBusy } from "./form-checks.js";
import { messageFor } from "./verification-messages.js";

/**
 * The SMS half of the check page: asks for the text once when the number still needs proving and
 * has no live code (the API throttles repeats), then the code form and "send a new code" through
 * the SDK. `onVerified` gets the sign-up after a right code.
 */
export function enhancePhoneStep(section, { signUp, onVerified }) {
  const form = document.getElementById("phone-code-form");
  const alert = document.getElementById("phone-code-alert");
  const resendForm = section.querySelector("form[data-enhance=phone-resend]");
  const resend = cooldownButton(resendForm, document.getElementById("phone-resend-status"), "Send a new code");
  if (resendForm.dataset.started === "true") resend.start();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void whileBusy(form, async () => {
      showAlert(alert, "");
      const invalid = checkFields(form);
      if (invalid) {
        showAlert(alert, "Enter the 6-digit code from the SMS.");
        invalid.focus();
        return;
      }
      try {
        const code = form.elements.namedItem("code").value.trim();
        const current = await signUp.attemptVerification({ strategy: "phone_code", code });
        await onVerified(current);
      } catch (error) {
        showAlert(alert, messageFor(error, "phone"));
      }
    });
  });

  resendForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      try {
        await signUp.prepareVerification({ strategy: "phone_code" });
        resend.say(`If the number still needs verifying, a new code is on its way. You can ask again in ${resend.seconds} seconds.`);
        resend.start();
      } catch (error) {
        resend.say(messageFor(error, "phone"));
      }
    })();
  });

  return {
    showAlert: (message) => showAlert(alert, message),
    /** Sends the SMS unless a live code is out already; the page asks once per load. */
    async sendFirst(current) {
      const verification = current.verifications?.phoneNumber;
      if (verification && verification.status === "unverified") return;
      try {
        await signUp.prepareVerification({ strategy: "phone_code" });
        resend.start();
      } catch (error) {
        resend.say(
          error?.code === "rate_limited" ? messageFor(error, "phone") : "We could not send the SMS just now. Wait a moment, then ask for a new code below.",
        );
      }
    },
  };
}
