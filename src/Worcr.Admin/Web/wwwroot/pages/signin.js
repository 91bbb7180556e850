// Sign-in: the admin or read-only password opens a session (an HttpOnly cookie plus a CSRF token).
import { signIn } from '../api.js';
import { h, errorBox, act } from '../dom.js';

export function render(root, route) {
  const password = h('input', { type: 'password', id: 'password', autocomplete: 'current-password', required: true, autofocus: true });
  const submit = h('button', { class: 'primary', type: 'submit' }, 'Sign in');
  const error = errorBox();
  const form = h('form', {
    class: 'panel signin',
    onsubmit: async (e) => {
      e.preventDefault();
      await act(submit, error, async () => {
        await signIn(password.value);
        route.signedIn();
      });
    },
  },
  h('h1', null, 'Sign in to Worcr'),
  h('p', { class: 'muted' }, 'Use the admin password (or the read-only password) this node was started with.'),
  h('p', null, password), error, submit);
  root.append(form);
  password.focus();
}
