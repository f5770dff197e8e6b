import { SignUpError } from "./errors.ts";
import { nextDelay, resolveMagicLinkOptions, type MagicLinkOptions, type MagicLinkSettings } from "./magic-link-options.ts";
import type { PrepareVerificationParams, SignUp } from "./types.ts";
import { observeVisibility } from "./visibility.ts";

export type { MagicLinkOptions } from "./magic-link-options.ts";

export type StartMagicLinkFlowParams = { redirectUrl?: string };

export type MagicLinkFlow = {
  /**
   * Sends the link and resolves once the address is verified (in another tab or on another device).
   * Starting again cancels a flow still running.
   */
  startMagicLinkFlow(params: StartMagicLinkFlowParams): Promise<SignUp>;
  /** Stops polling; the pending start promise rejects with code "magic_link_cancelled". */
  cancelMagicLinkFlow(): void;
};

/** All the flow needs from a sign-up resource. */
export type MagicLinkSignUp = {
  prepareVerification(params: PrepareVerificationParams): Promise<SignUp>;
  reload(): Promise<SignUp>;
};

type Run = { promise: Promise<SignUp>; stop(error: SignUpError): void };

export function createMagicLinkFlow(signUp: MagicLinkSignUp, options?: MagicLinkOptions): MagicLinkFlow {
  const settings = resolveMagicLinkOptions(options);
  let running: Run | null = null;
  const cancelled = () => new SignUpError({ code: "magic_link_cancelled", message: "The magic-link flow was cancelled" });

  return {
    startMagicLinkFlow({ redirectUrl }) {
      running?.stop(cancelled());
      const run = startRun(signUp, settings, redirectUrl);
      running = run;
      const forget = () => {
        if (running === run) running = null;
      };
      // Both arms, so this bookkeeping never turns the caller's rejection into an unhandled one.
      run.promise.then(forget, forget);
      return run.promise;
    },
    cancelMagicLinkFlow() {
      running?.stop(cancelled());
      running = null;
    },
  };
}

function startRun(signUp: MagicLinkSignUp, settings: MagicLinkSettings, redirectUrl: string | undefined): Run {
  let settle!: { resolve(signUp: SignUp): void; reject(error: unknown): void };
  const promise = new Promise<SignUp>((resolve, reject) => (settle = { resolve, reject }));
  let done = false;
  let delay = settings.initialDelayMs;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  let hiddenSince = 0;

  const paused = () => new SignUpError({ code: "magic_link_paused", message: "The page was hidden too long; the magic-link flow stopped" });

  const finish = (outcome: { signUp: SignUp } | { error: unknown }) => {
    if (done) return;
    done = true;
    clearTimeout(pollTimer);
    clearTimeout(hiddenTimer);
    visibility.stop();
    if ("signUp" in outcome) settle.resolve(outcome.signUp);
    else settle.reject(outcome.error);
  };

  const onHidden = () => {
    hiddenSince = Date.now();
    clearTimeout(hiddenTimer);
    hiddenTimer = setTimeout(() => finish({ error: paused() }), settings.hiddenTimeoutMs);
  };

  const visibility = observeVisibility((hidden) => {
    if (hidden) return onHidden();
    clearTimeout(hiddenTimer);
    // Browsers may hold back timers in hidden pages, so the timer alone could fire late.
    if (hiddenSince > 0 && Date.now() - hiddenSince >= settings.hiddenTimeoutMs) return finish({ error: paused() });
    // Back from the mail tab, where the link was likely just clicked: ask now, not after the backoff.
    if (pollTimer !== undefined) {
      clearTimeout(pollTimer);
      delay = settings.initialDelayMs;
      void poll();
    }
  });
  if (visibility.isHidden()) onHidden();

  const schedule = (wait: number) => {
    pollTimer = setTimeout(() => void poll(), wait);
    delay = nextDelay(delay, settings);
  };

  const judge = (current: SignUp) => {
    const outcome = outcomeOf(current);
    if (outcome === null) schedule(delay);
    else finish(outcome);
  };

  async function poll(): Promise<void> {
    pollTimer = undefined;
    try {
      const current = await signUp.reload();
      if (!done) judge(current);
    } catch (error) {
      if (done) return;
      if (!isTransient(error)) return finish({ error });
      // A 429 says how long to wait; polling sooner would only be refused again.
      schedule(Math.max(delay, (error.retryAfterSeconds ?? 0) * 1000));
    }
  }

  signUp.prepareVerification({ strategy: "email_link", redirectUrl }).then(
    (prepared) => {
      if (!done) judge(prepared);
    },
    (error: unknown) => finish({ error }),
  );

  return { promise, stop: (error) => finish({ error }) };
}

function outcomeOf(signUp: SignUp): { signUp: SignUp } | { error: SignUpError } | null {
  const verification = signUp.verifications.emailAddress;
  if (verification?.status === "verified" || signUp.status === "complete") return { signUp };
  if (verification?.status === "expired") {
    return { error: new SignUpError({ code: "verification_expired", message: "The magic link expired before it was used" }) };
  }
  if (verification?.status === "failed") {
    return { error: new SignUpError({ code: "verification_failed", message: "The email verification failed" }) };
  }
  if (signUp.status === "abandoned") {
    return { error: new SignUpError({ code: "sign_up_abandoned", message: "The sign-up was abandoned before the address was verified" }) };
  }
  return null;
}

/** Worth another poll: no answer at all, a server-side failure, or being told to slow down. */
function isTransient(error: unknown): error is SignUpError {
  return error instanceof SignUpError && (error.code === "network_error" || error.status >= 500 || error.status === 429);
}
