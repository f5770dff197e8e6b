import { fileURLToPath } from "node:url";

export { escapeHtml } from "./escape.ts";
export { Html, html, layout, type PageOptions } from "./template.ts";

/** The stylesheet every page shares (app.css); the API and the web serve it from here. */
export const sharedAssetsDir = fileURLToPath(new URL("../assets/", import.meta.url));
