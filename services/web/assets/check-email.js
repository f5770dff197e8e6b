import { checkFields, showAlert, whileBusy } from "./form-checks.js";

// The same words as the server's src/verification-messages.ts (pages without JavaScript).
const messages = {
  verification_failed: "That code is not right. Check the mail and try again.",
  verification_expired: "That code has expired. Ask for a new mail below.",
  too_many_attempts: "Too many wrong codes. Ask for a new mail below, then use its code.",
  validation_failed: "Enter the 6 digits from the mail.",
  rate_limited: "Too many tries in a short time. Wait a minute, then try again.",
};
const messageFor = (error) => messages[error?.code] ?? "Something went wrong; try again.";
const linkMessages = {
  magic_link_paused: "Stopped waiting for the link. Type the code from the mail instead, or reload this page.",
  verification_expired: "The link has expired. Ask for a new mail below.",
  sign_up_abandoned: "This sign-up has expired.",
};
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The check-email page with JavaScript: the magic-link flow sends the mail and polls, so this page
 * moves on by itself once the link is used in another tab or on another device; the code form
 * and the resend button go through the SDK. Everything is keyed on the sign-up in sessionStorage.
 */
export function enhanceCheckEmail(root, { signUp, appUrl }) {
  const codeForm = document.getElementById("code-form");
  const resendForm = root.querySelector("form[data-enhance=resend]");
  const resend = cooldownButton(resendForm);
  if (resendForm.dataset.started === "true") resend.start();

  if (!signUp.id) {
    // Signed up without JavaScript (this server holds the sign-up): the plain forms do the work.
    if (root.dataset.serverSession === "true") return;
    document.getElementById("restart").hidden = false;
    root.hidden = true;
    return;
  }

  // This browser's own sign-up is polled for; a "continue" form for a server-held one would mislead.
  document.getElementById("continue-form")?.setAttribute("hidden", "");
  const status = document.getElementById("link-status");
  const alert = document.getElementById("code-alert");
  const flow = signUp.createMagicLinkFlow();
  let leaving = false;

  const complete = async (current) => {
    if (leaving) return true;
    // Verified means complete once nothing else is missing; the API may take a moment to say so.
    const verifiedButNotYetComplete = (s) => s.status === "missing_requirements" && s.verifications?.emailAddress?.status === "verified";
    for (let tries = 0; verifiedButNotYetComplete(current) && tries < 5; tries++) {
      await pause(1_000);
      current = await signUp.reload();
    }
    if (current.status !== "complete" || !current.completionToken) return false;
    leaving = true;
    flow.cancelMagicLinkFlow();
    signUp.clear();
    const target = new URL(appUrl, location.origin);
    target.searchParams.set("completion_token", current.completionToken);
    location.assign(target.href);
    return true;
  };

  status.hidden = false;
  status.textContent = "Waiting for you to open the link in the mail…";
  resend.start();
  flow.startMagicLinkFlow({ redirectUrl: new URL("/signup/verified", location.origin).href }).then(
    async (verified) => {
      if (!(await complete(verified))) status.textContent = "Your address is verified, but the sign-up is not complete. Start again from the sign-up page.";
    },
    async (error) => {
      if (leaving || error?.code === "magic_link_cancelled") return;
      // Already complete (a reload after the code was typed elsewhere)? Then just go on.
      const current = await signUp.reload().catch(() => null);
      if (current && (await complete(current))) return;
      if (error?.code === "sign_up_abandoned" || current?.status === "abandoned") {
        document.getElementById("restart").hidden = false;
        root.hidden = true;
        return;
      }
      status.textContent = linkMessages[error?.code] ?? `${messageFor(error)} You can still type the code from the mail.`;
    },
  );

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
        const current = await signUp.attemptVerification({ strategy: "email_code", code });
        if (!(await complete(current))) showAlert(alert, "Your address is verified, but the sign-up is not complete. Start again from the sign-up page.");
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
}

/** The resend button's countdown: the API throttles repeats anyway, so the page says when. */
function cooldownButton(form) {
  const button = form.querySelector("button");
  const status = document.getElementById("resend-status");
  const seconds = Number(form.dataset.cooldown || 60);
  let timer;
  return {
    seconds,
    say: (text) => (status.textContent = text),
    start() {
      clearTimeout(timer);
      let left = seconds;
      button.disabled = true;
      const tick = () => {
        if (left <= 0) {
          button.disabled = false;
          button.textContent = "Send a new mail";
          return;
        }
        button.textContent = `Send a new mail (${left} s)`;
        left -= 1;
        timer = setTimeout(tick, 1_000);
      };
      tick();
    },
  };
}
