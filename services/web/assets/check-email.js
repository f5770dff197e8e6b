import { cooldownButton } from "./cooldown-button.js";
import { checkFields, showAlert, whileBusy } from "./form-checks.js";
import { leaveForApp } from "./leave-for-app.js";
import { maskPhone } from "./phone-mask.js";
import { enhancePhoneStep } from "./phone-step.js";
import { messageFor } from "./verification-messages.js";

const linkMessages = {
  magic_link_paused: "Stopped waiting for the link. Type the code from the mail instead, or reload this page.",
  verification_expired: "The link has expired. Ask for a new mail below.",
  sign_up_abandoned: "This sign-up has expired.",
};
const stuck = "Your address is verified, but the sign-up is not complete. Start again from the sign-up page.";
const stuckPhone = "Your number is verified, but the sign-up is not complete. Start again from the sign-up page.";
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const pendingOf = (signUp) => ({
  email: signUp.unverifiedFields.includes("email_address"),
  phone: Boolean(signUp.phoneNumber) && signUp.unverifiedFields.includes("phone_number"),
});

/**
 * The check page with JavaScript. It asks the API what is left to prove and shows just that: the
 * mail (the magic-link flow sends it and polls, so the page moves on by itself once the link is
 * used in another tab or on another device, and the code form) and, for a sign-up with a phone
 * number, the SMS (sent once on load, with its code form). When the last one is proved the page
 * goes to the app. Everything is keyed on the sign-up in sessionStorage.
 */
export function enhanceCheckEmail(root, { signUp, appUrl }) {
  const resendForm = root.querySelector("form[data-enhance=resend]");
  const resend = cooldownButton(resendForm, document.getElementById("resend-status"), "Send a new mail");
  if (resendForm.dataset.started === "true") resend.start();

  if (!signUp.id) {
    // Signed up without JavaScript (this server holds the sign-up): the plain forms do the work.
    if (root.dataset.serverSession === "true") return;
    restart(root);
    return;
  }
  // This browser's own sign-up is polled for; a "continue" form for a server-held one would mislead.
  document.getElementById("continue-form")?.setAttribute("hidden", "");
  void run(root, { signUp, appUrl, resendForm, resend });
}

function restart(root) {
  document.getElementById("restart").hidden = false;
  root.hidden = true;
}

/** Title, sections and the "one half done" notice, by the same rules as the server's page. */
function showSteps(current, justProved) {
  const pending = pendingOf(current);
  const title = pending.email && pending.phone ? "Check your email and phone" : pending.phone ? "Check your phone" : "Check your email";
  document.getElementById("check-title").textContent = title;
  document.title = document.title.replace(/^[^·]*·/, `${title} ·`);
  document.getElementById("email-step").hidden = !pending.email && pending.phone;
  const phoneStep = document.getElementById("phone-step");
  if (phoneStep) {
    phoneStep.hidden = !pending.phone;
    if (current.phoneNumber) document.getElementById("phone-number").textContent = maskPhone(current.phoneNumber);
  }
  const notice =
    justProved === "email" && pending.phone
      ? "Your email address is verified. Now type the code we sent by SMS."
      : justProved === "phone" && pending.email
        ? "Your phone number is verified. Now open the link in the mail, or type its code."
        : "";
  const status = document.getElementById("step-status");
  status.textContent = notice;
  status.hidden = !notice;
}

async function run(root, { signUp, appUrl, resendForm, resend }) {
  const status = document.getElementById("link-status");
  const alert = document.getElementById("code-alert");
  const codeForm = document.getElementById("code-form");
  const flow = signUp.createMagicLinkFlow();
  let leaving = false;

  /** The app when complete; otherwise the page shows what is left. True when leaving. */
  const progress = async (current, justProved) => {
    if (leaving) return true;
    // Nothing left to prove means complete; the API may take a moment to say so.
    const settling = (s) => s.status === "missing_requirements" && s.missingFields.length === 0 && s.unverifiedFields.length === 0;
    for (let tries = 0; settling(current) && tries < 5; tries++) {
      await pause(1_000);
      current = await signUp.reload();
    }
    if (current.status === "complete" && current.completionToken) {
      leaving = true;
      flow.cancelMagicLinkFlow();
      leaveForApp(signUp, appUrl, current.completionToken);
      return true;
    }
    showSteps(current, justProved);
    return false;
  };

  let current;
  try {
    current = await signUp.reload();
  } catch (error) {
    if (error?.code === "not_found") return restart(root);
    current = null; // the API is slow or away: the mail flow below retries and says so
  }
  if (current?.status === "abandoned") return restart(root);
  if (current && (await progress(current))) return;
  const pending = current ? pendingOf(current) : { email: true, phone: false };

  const phoneSection = document.getElementById("phone-step");
  if (phoneSection && pending.phone) {
    const phone = enhancePhoneStep(phoneSection, {
      signUp,
      onVerified: async (verified) => {
        if (!(await progress(verified, "phone")) && !pendingOf(verified).email) phone.showAlert(stuckPhone);
      },
    });
    void phone.sendFirst(current);
  }

  codeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void whileBusy(codeForm, async () => {
      showAlert(alert, "");
      const invalid = checkFields(codeForm);
      if (invalid) {
        showAlert(alert, "Enter the 6-digit code from the mail.");
        invalid.focus();
        return;
      }
      try {
        const code = codeForm.elements.namedItem("code").value.trim();
        const verified = await signUp.attemptVerification({ strategy: "email_code", code });
        // The address is proved: nothing left for the link to do.
        flow.cancelMagicLinkFlow();
        if (!(await progress(verified, "email")) && !pendingOf(verified).phone) showAlert(alert, stuck);
      } catch (error) {
        showAlert(alert, messageFor(error));
      }
    });
  });

  resendForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      try {
        await signUp.prepareVerification({ strategy: "email_code" });
        resend.say(`If the address needs verifying, a new mail is on its way. You can ask again in ${resend.seconds} seconds.`);
        resend.start();
      } catch (error) {
        resend.say(messageFor(error));
      }
    })();
  });

  if (!pending.email) return;
  status.hidden = false;
  status.textContent = "Waiting for you to open the link in the mail…";
  resend.start();
  flow.startMagicLinkFlow({ redirectUrl: new URL("/signup/verified", location.origin).href }).then(
    async (verified) => {
      if (!(await progress(verified, "email")) && !pendingOf(verified).phone) status.textContent = stuck;
      else if (!leaving) status.hidden = true;
    },
    async (error) => {
      if (leaving || error?.code === "magic_link_cancelled") return;
      // Already complete (a reload after the code was typed elsewhere)? Then just go on.
      const latest = await signUp.reload().catch(() => null);
      if (latest && (await progress(latest))) return;
      if (error?.code === "sign_up_abandoned" || latest?.status === "abandoned") return restart(root);
      status.textContent = linkMessages[error?.code] ?? `${messageFor(error)} You can still type the code from the mail.`;
    },
  );
}
