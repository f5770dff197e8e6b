import { layout, type Html } from "@signup/html";

/** What every page of this site knows: the product's name and where the API and the app are. */
export type PageContext = { productName: string; apiUrl: string; appUrl: string };

/** The shared layout with this site's assets; the script reads the two URLs from the meta tags. */
export function page(ctx: PageContext, title: string, body: Html): string {
  return layout({
    title,
    productName: ctx.productName,
    body,
    stylesheet: "/assets/app.css",
    script: "/assets/app.js",
    meta: { "signup-api-url": ctx.apiUrl, "signup-app-url": ctx.appUrl },
  });
}
