import { checkFields, formValues, showAlert, showFieldError, whileBusy } from "./form-checks.js";

// The form's names (kept from the first front-end) and the API's; errors come back renamed.
const apiNames = { email: "emailAddress", password: "password", username: "username", firstName: "firstName", lastName: "lastName" };
const formNames = Object.fromEntries(Object.entries(apiNames).map(([form, api]) => [api, form]));
const clerkNames = { email_address: "email", password: "password", username: "username", first_name: "firstName", last_name: "lastName" };

/** The sign-up form with JavaScript: checked here, then created through the SDK from this browser. */
export function enhanceSignup(form, { signUp }) {
  const alert = document.getElementById("form-alert");
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
      const params = Object.fromEntries(Object.entries(values).filter(([name]) => apiNames[name]).map(([name, value]) => [apiNames[name], value]));
      try {
        const created = await signUp.create(params);
        const missing = created.missingFields.map((name) => clerkNames[name]).filter(Boolean);
        if (missing.length === 0) {
          location.assign(`/signup/check-email?email=${encodeURIComponent(created.emailAddress ?? values.email)}`);
          return;
        }
        for (const name of missing) showFieldError(form, name, "Fill this in.");
        showAlert(alert, "Please correct the fields marked below.");
      } catch (error) {
        const fields = error?.fields ?? [];
        for (const field of fields) showFieldError(form, formNames[field.field] ?? field.field, field.message);
        const general = fields.filter((field) => !form.elements.namedItem(formNames[field.field] ?? field.field));
        const message = fields.length > 0 && general.length === 0 ? "Please correct the fields marked below." : error?.status > 0 && error?.status < 500 ? error.message : "We could not reach the sign-up service; try again in a moment.";
        showAlert(alert, message);
      }
      (form.querySelector("[aria-invalid=true]") ?? alert)?.focus?.();
    });
  });
}
