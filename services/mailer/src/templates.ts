import { readFileSync } from "node:fs";
import { escapeHtml } from "@signup/html";

const dir = new URL("../templates/", import.meta.url);

export type TemplateName = "verification" | "reminder" | "owner-notice" | "invite-accepted" | "invite";
export type RenderedMail = { subject: string; text: string; html: string };

const cache = new Map<string, string>();
function load(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(new URL(file, dir), "utf8");
    cache.set(file, text);
  }
  return text;
}

function fill(template: string, vars: Record<string, string>, encode: (v: string) => string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`template variable ${key} missing`);
    return encode(value);
  });
}

/** Each mail has three files: subject, plain text and HTML; values are escaped in the HTML only. */
export function renderMail(name: TemplateName, vars: Record<string, string>): RenderedMail {
  return {
    subject: fill(load(`${name}.subject.txt`), vars, (v) => v).trim(),
    text: fill(load(`${name}.txt`), vars, (v) => v),
    html: fill(load(`${name}.html`), vars, escapeHtml),
  };
}
