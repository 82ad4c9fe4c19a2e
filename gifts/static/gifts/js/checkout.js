/* Paying with Stripe on the checkout page, and the bank's confirmation step (3-D Secure).

   The card field is Stripe's own (Elements: a frame served by js.stripe.com), so the card number goes from the
   browser to Stripe. On submit, Stripe.js turns it into a PaymentMethod and only its id (pm_…) goes into the form we
   post. When the bank asks the giver to confirm, the confirmation page lets Stripe.js show the bank's challenge
   (handleNextAction), then posts back so our server asks Stripe how it ended. Without JavaScript the page says
   card payment needs it (the template shows that message; this script hides it once the card field is ready). */
(function () {
  "use strict";

  function show(element, text) {
    if (!element) return;
    element.textContent = text;
    element.hidden = false;
  }

  function stripeLocale() {
    // Stripe.js takes "fr" or "pt-BR"; our pages say "fr" or "pt-br".
    var parts = (document.documentElement.lang || "auto").split("-");
    return parts.length > 1 ? parts[0] + "-" + parts[1].toUpperCase() : parts[0];
  }

  function connect(form) {
    var needsJs = form.querySelector("[data-card-needs-js]");
    if (needsJs) needsJs.hidden = true;
    if (typeof window.Stripe !== "function") {
      show(form.querySelector("[data-card-error]"), form.getAttribute("data-message-unavailable") || "");
      return null;
    }
    return window.Stripe(form.getAttribute("data-stripe-key"), { locale: stripeLocale() });
  }

  function setUpCardForm(form) {
    var container = form.querySelector("[data-card-element]");
    var token = form.querySelector("input[name='payment_token']");
    var error = form.querySelector("[data-card-error]");
    var submit = form.querySelector("button[type='submit']");
    if (!container || !token) return;
    var stripe = connect(form);
    if (!stripe) return;
    var card = stripe.elements().create("card");
    card.mount(container);
    container.hidden = false;
    card.on("change", function (event) {
      if (event.error) show(error, event.error.message);
      else error.hidden = true;
    });

    var busy = false;
    function done() {
      busy = false;
      if (submit) submit.disabled = false;
      form.removeAttribute("aria-busy");
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) return;
      busy = true;
      if (submit) submit.disabled = true;
      form.setAttribute("aria-busy", "true");
      token.value = "";
      stripe.createPaymentMethod({ type: "card", card: card }).then(function (result) {
        if (result.error) {
          show(error, result.error.message);
          done();
          return;
        }
        token.value = result.paymentMethod.id;
        // The form's own submit() sends no submit event, so this handler does not run again.
        form.submit();
      }, function () {
        show(error, form.getAttribute("data-message-failed") || "");
        done();
      });
    });
  }

  function setUpAuthentication(form) {
    var start = form.querySelector("[data-authenticate-start]");
    var stripe = connect(form);
    if (!stripe || !start) return;
    start.hidden = false;
    function authenticate() {
      start.disabled = true;
      // Whatever the bank answered (closing its window included), our server asks Stripe and decides.
      var postBack = function () { form.submit(); };
      stripe.handleNextAction({ clientSecret: form.getAttribute("data-client-secret") }).then(postBack, postBack);
    }
    start.addEventListener("click", authenticate);
    if (form.getAttribute("data-autostart") === "true") authenticate();
  }

  document.querySelectorAll("form[data-card-form]").forEach(setUpCardForm);
  document.querySelectorAll("form[data-authenticate]").forEach(setUpAuthentication);
})();
