// Progressive enhancement only: every form on this site also works as a plain form post.
import { createSignUpClient } from "/assets/signup-client.js";
import { enhanceCheckEmail } from "./check-email.js";
import { enhanceSignup } from "./signup-form.js";

const setting = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute("content") ?? "";
const apiUrl = setting("signup-api-url");
const appUrl = setting("signup-app-url") || "/";

// sessionStorage: the sign-up survives the move from the form to the check-email page (and a
// reload) in this tab, and is gone when the tab closes.
const { signUp } = createSignUpClient({ baseUrl: apiUrl, storage: sessionStorage });

const signupForm = document.querySelector("form[data-enhance=signup]");
if (signupForm) enhanceSignup(signupForm, { signUp, appUrl });

const checkEmail = document.getElementById("check-email");
if (checkEmail) enhanceCheckEmail(checkEmail, { signUp, appUrl });
