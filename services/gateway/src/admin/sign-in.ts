/**
 * The page a browser gets at the dashboard without an operator cookie. Its script (a file, as the content security
 * policy allows no inline script) trades a bearer token for the dashboard cookie at `POST /api/admin/session`: the
 * token the web client already holds on this origin, or one pasted in.
 */
export const SIGN_IN_SCRIPT_PATH = '/admin/sign-in.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function signInPage(reason: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Parley queues: operator sign-in</title></head>
<body>
<h1>Parley queue dashboard</h1>
<p id="reason">${escapeHtml(reason)}</p>
<form id="sign-in">
  <label>Operator access token <input name="token" type="password" autocomplete="off" size="60" required></label>
  <button type="submit">Open the dashboard</button>
</form>
<p id="status" role="status"></p>
<script src="${SIGN_IN_SCRIPT_PATH}"></script>
</body>
</html>`;
}

export const SIGN_IN_SCRIPT = `'use strict';
(function () {
  var status = document.getElementById('status');
  var form = document.getElementById('sign-in');
  function signIn(token) {
    status.textContent = 'Signing in…';
    return fetch('/api/admin/session', { method: 'POST', headers: { authorization: 'Bearer ' + token }, credentials: 'same-origin' })
      .then(function (response) {
        if (response.ok) return location.reload();
        return response.json().then(
          function (body) { status.textContent = (body && body.error && body.error.message) || 'Sign-in failed (' + response.status + ')'; },
          function () { status.textContent = 'Sign-in failed (' + response.status + ')'; }
        );
      })
      .catch(function () { status.textContent = 'The gateway cannot be reached'; });
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    signIn(form.elements.token.value.trim());
  });
  // Signed in to the web client on this origin already: try that token once.
  var stored = localStorage.getItem('parley.token');
  if (stored) signIn(stored);
})();
`;
