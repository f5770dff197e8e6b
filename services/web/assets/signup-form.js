import { checkFields, formValues, showAlert, showFieldError, whileBusy } from "./form-checks.js";
import { leaveForApp } from "./leave-for-app.js";

// The form's names (kept from the first front-end) and the API's; errors come back renamed.
const apiNames = {
  email: "emailAddress",
  password: "password",
  username: "username",
  firstName: "firstName",
  lastName: "lastName",
  phoneNumber: "phoneNumber",
};
const formNames = Object.fromEntries(Object.entries(apiNames).map(([form, api]) => [api, form]));
const clerkNames = {
  email_address: "email",
  password: "password",
  username: "username",
  first_name: "firstName",
  last_name: "lastName",
  phone_number: "phoneNumber",
};

/**
 * The sign-up form with JavaScript: checked here, then created through the SDK from this browser.
 * By invitation (a hidden "ticket"), create spends the ticket, which proves the address: the
 * sign-up is usually complete at once and goes straight to the app. A spent ticket cannot create
 * again, so a second submit (fields still missing) updates the same sign-up.
 */
export function enhanceSignup(form, { signUp, appUrl }) {
  // A sign-up this server created without JavaScript (its cookie holds it): the plain post goes on with it.
  if (form.elements.namedItem("invited")) return;
  const alert = document.getElementById("form-alert");
  const ticket = form.elements.namedItem("ticket")?.value;
  let ticketSpent = false;

  const send = (params) => {
    if (ticketSpent) return signUp.update(params);
    return ticket ? signUp.create({ strategy: "ticket", ticket, ...params }) : signUp.create(params);
  };

  /** Leaves the page (true), or marks what the API still misses. */
  const next = (result, values) => {
    if (result.status === "complete" && result.completionToken) {
      leaveForApp(signUp, appUrl, result.completionToken);
      return true;
    }
    const missing = result.missingFields.map((name) => clerkNames[name]).filter(Boolean);
    if (missing.length === 0) {
      location.assign(`/signup/check-email?email=${encodeURIComponent(result.emailAddress ?? values.email ?? "")}`);
      return true;
    }
    for (const name of missing) showFieldError(form, name, "Fill this in.");
    showAlert(alert, "Please correct the fields marked below.");
    return false;
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void whileBusy(form, async () => {
      showAlert(alert, "");
      const invalid = checkFields(form);
      if (invalid) {
        showAlert(alert, "Please correct the fields marked below.");
        invalid.focus();
        return;
      }
      const values = formValues(form);
      const params = Object.fromEntries(
        Object.entries(values)
          .filter(([name]) => apiNames[name])
          .map(([name, value]) => [apiNames[name], value]),
      );
      try {
        const result = await send(params);
        ticketSpent = Boolean(ticket);
        if (next(result, values)) return;
      } catch (error) {
        if (error?.code === "ticket_invalid" || (ticketSpent && error?.code === "not_found")) {
          location.assign("/signup/invitation-invalid");
          return;
        }
        const fields = error?.fields ?? [];
        for (const field of fields) showFieldError(form, formNames[field.field] ?? field.field, field.message);
        const general = fields.filter((field) => !form.elements.namedItem(formNames[field.field] ?? field.field));
        const message =
          fields.length > 0 && general.length === 0
            ? "Please correct the fields marked below."
            : error?.status > 0 && error?.status < 500
              ? error.message
              : "We could not reach the sign-up service; try again in a moment.";
        showAlert(alert, message);
      }
      (form.querySelector("[aria-invalid=true]") ?? alert)?.focus?.();
    });
  });
}
