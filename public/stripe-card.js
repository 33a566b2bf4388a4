// Stripe's card form on Laurel's "Add a card" page: mounts Stripe's Payment
// Element for the SetupIntent the server made, and confirms it; Stripe then
// returns the browser to Laurel, which reads the result from Stripe. Card
// numbers go to Stripe only.
(function () {
  const form = document.getElementById('card-form');
  if (!form || typeof Stripe === 'undefined') return;
  const stripe = Stripe(form.dataset.key);
  const elements = stripe.elements({ clientSecret: form.dataset.secret });
  elements.create('payment').mount('#card-element');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { error } = await stripe.confirmSetup({
      elements,
      confirmParams: { return_url: form.dataset.return },
    });
    if (error) document.getElementById('card-error').textContent = error.message;
  });
})();
