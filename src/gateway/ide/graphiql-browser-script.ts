/**
 * The IDE page's own script, served as `/graphql/ide/assets/graphiql-init.js` so the page carries no inline script
 * (a strict `script-src 'self'` policy holds). Plain ES2017 for the browser; it expects the UMD globals `React`,
 * `ReactDOM` and `GraphiQL` loaded before it.
 *
 * It keeps the bearer token in sessionStorage (gone when the tab closes), obtains it from `POST /auth/login` or a
 * pasted token, and sends it on every GraphiQL request. Headers typed in GraphiQL's header editor win over it.
 * Without a token GraphiQL runs with no schema (no introspection request, so no 401 before the user did anything)
 * and the bar says to log in to load it; a token the gateway refuses (expired, revoked) is dropped the same way.
 */
export const GRAPHIQL_BROWSER_SCRIPT = `(function () {
  'use strict';
  var TOKEN_KEY = 'focus-kraliki.graphiql.token';
  var ENDPOINT = '/graphql';
  var DEFAULT_QUERY = '# Log in above, then run with Ctrl-Enter.\\n{\\n  tasks(first: 5) {\\n    totalCount\\n    edges { node { id title status priority } }\\n  }\\n}\\n';
  var byId = function (id) { return document.getElementById(id); };
  var root = ReactDOM.createRoot(byId('graphiql'));
  var generation = 0;

  function storedToken() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
  }

  function expiryOf(token) {
    try {
      var payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined;
    } catch (e) { return undefined; }
  }

  function showStatus(message, isError) {
    var status = byId('ide-status');
    status.textContent = message;
    status.className = isError ? 'ide-status ide-error' : 'ide-status';
  }

  function showTokenState() {
    var token = storedToken();
    var expiry = token ? expiryOf(token) : undefined;
    byId('ide-logout').hidden = !token;
    if (!token) return showStatus('Not signed in: log in (or paste a token) to load the schema and run queries.', false);
    showStatus('Signed in; requests send Authorization: Bearer' + (expiry ? ' (token expires ' + expiry.toLocaleTimeString() + ')' : '') + '.', false);
  }

  function useToken(token) {
    if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
    renderGraphiQL();
  }

  function fetcher(params, options) {
    var headers = { 'content-type': 'application/json', accept: 'application/json' };
    var token = storedToken();
    if (token) headers.authorization = 'Bearer ' + token;
    var extra = (options && options.headers) || {};
    Object.keys(extra).forEach(function (name) { headers[name.toLowerCase()] = extra[name]; });
    return fetch(ENDPOINT, { method: 'POST', headers: headers, body: JSON.stringify(params), credentials: 'omit' }).then(function (response) {
      if (response.status === 401 && token && token === storedToken() && headers.authorization === 'Bearer ' + token) {
        setTimeout(function () {
          useToken('');
          showStatus('The gateway refused the token (expired or revoked): log in again to load the schema.', true);
        }, 0);
      }
      return response.text().then(function (text) {
        try { return JSON.parse(text); } catch (e) { return { errors: [{ message: 'HTTP ' + response.status + ': ' + text }] }; }
      });
    });
  }

  // A new key remounts GraphiQL, so it fetches the schema again with the new token (the editors persist their text).
  // Without a token, schema null: GraphiQL asks for no schema (its introspection would only be refused).
  function renderGraphiQL() {
    generation += 1;
    var props = { key: generation, fetcher: fetcher, defaultQuery: DEFAULT_QUERY, shouldPersistHeaders: false };
    if (!storedToken()) props.schema = null;
    root.render(React.createElement(GraphiQL, props));
  }

  byId('ide-login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    showStatus('Signing in...', false);
    fetch('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: byId('ide-email').value, password: byId('ide-password').value }),
      credentials: 'omit',
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok && body.access_token) return useToken(body.access_token);
        showStatus('Login failed (' + response.status + '): ' + (typeof body.detail === 'string' ? body.detail : 'check the email and password'), true);
      });
    }, function (error) { showStatus('Login failed: ' + error.message, true); });
  });

  byId('ide-token-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var token = byId('ide-token').value.trim().replace(/^Bearer\\s+/i, '');
    byId('ide-token').value = '';
    if (token) useToken(token);
  });

  byId('ide-logout').addEventListener('click', function () { useToken(''); });

  showTokenState();
  renderGraphiQL();
})();
`;
