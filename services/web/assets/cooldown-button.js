/**
 * A resend button's countdown: the API throttles repeats anyway (RESEND_COOLDOWN, for mails and
 * texts alike), so the page says when asking again will do something.
 */
export function cooldownButton(form, status, label) {
  const button = form.querySelector("button");
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
          button.textContent = label;
          return;
        }
        button.textContent = `${label} (${left} s)`;
        left -= 1;
        timer = setTimeout(tick, 1_000);
      };
      tick();
    },
  };
}
