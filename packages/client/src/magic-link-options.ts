export type MagicLinkOptions = {
  /** Wait before the first poll. Default 1 000 ms. */
  initialDelayMs?: number;
  /** The longest wait between polls. Default 10 000 ms. */
  maxDelayMs?: number;
  /** Each wait is the previous one times this. Default 1.5. */
  factor?: number;
  /** Stop (magic_link_paused) once the page has been hidden this long. Default 5 minutes. */
  hiddenTimeoutMs?: number;
};

export type MagicLinkSettings = Required<MagicLinkOptions>;

export const MAGIC_LINK_DEFAULTS: Readonly<MagicLinkSettings> = Object.freeze({
  initialDelayMs: 1_000,
  maxDelayMs: 10_000,
  factor: 1.5,
  // Long enough to switch to the mail app and back; short enough that a forgotten tab stops
  // polling the API (and spending its rate limit) all day.
  hiddenTimeoutMs: 5 * 60_000,
});

/** Fails at setup, where the mistake is, rather than as a tight polling loop later. */
export function resolveMagicLinkOptions(options: MagicLinkOptions = {}): MagicLinkSettings {
  const settings: MagicLinkSettings = {
    initialDelayMs: options.initialDelayMs ?? MAGIC_LINK_DEFAULTS.initialDelayMs,
    maxDelayMs: options.maxDelayMs ?? MAGIC_LINK_DEFAULTS.maxDelayMs,
    factor: options.factor ?? MAGIC_LINK_DEFAULTS.factor,
    hiddenTimeoutMs: options.hiddenTimeoutMs ?? MAGIC_LINK_DEFAULTS.hiddenTimeoutMs,
  };
  const positive = (name: keyof MagicLinkSettings) => {
    if (!Number.isFinite(settings[name]) || settings[name] <= 0) throw new RangeError(`magic link option ${name} must be a positive number`);
  };
  positive("initialDelayMs");
  positive("maxDelayMs");
  positive("hiddenTimeoutMs");
  if (!Number.isFinite(settings.factor) || settings.factor < 1) throw new RangeError("magic link option factor must be at least 1");
  if (settings.maxDelayMs < settings.initialDelayMs) throw new RangeError("magic link option maxDelayMs must not be below initialDelayMs");
  return settings;
}

export function nextDelay(delay: number, settings: MagicLinkSettings): number {
  return Math.min(Math.round(delay * settings.factor), settings.maxDelayMs);
}
