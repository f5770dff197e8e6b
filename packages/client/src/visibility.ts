// Page visibility without the DOM lib: the SDK also runs (and is tested) where there is no document.

type VisibilityDocument = {
  visibilityState: string;
  addEventListener(type: "visibilitychange", listener: () => void): void;
  removeEventListener(type: "visibilitychange", listener: () => void): void;
};

export type VisibilityObserver = { isHidden(): boolean; stop(): void };

function currentDocument(): VisibilityDocument | null {
  const doc: unknown = (globalThis as { document?: unknown }).document;
  if (typeof doc !== "object" || doc === null) return null;
  const candidate = doc as Partial<VisibilityDocument>;
  return typeof candidate.addEventListener === "function" && typeof candidate.removeEventListener === "function" ? (doc as VisibilityDocument) : null;
}

/** Calls onChange(hidden) on each visibilitychange until stop(); a no-op where there is no document. */
export function observeVisibility(onChange: (hidden: boolean) => void): VisibilityObserver {
  const doc = currentDocument();
  if (doc === null) return { isHidden: () => false, stop: () => {} };

  const isHidden = () => doc.visibilityState === "hidden";
  const listener = () => onChange(isHidden());
  doc.addEventListener("visibilitychange", listener);
  return { isHidden, stop: () => doc.removeEventListener("visibilitychange", listener) };
}
