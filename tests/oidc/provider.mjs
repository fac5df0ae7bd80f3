// A real OpenID Connect provider (the oidc-provider package) for the tests, on a loopback port only.
//
//   node tests/oidc/provider.mjs        prints "listening on http://127.0.0.1:PORT" once it accepts connections
//
// One confidential client, "lms" (secret "lms-secret"), that must use PKCE; a second, "another-app", exists only to
// be named as the audience of misdirected ID tokens. A small login page of its own (no consent screen: the app is
// first-party, as Entra ID's admin consent makes it), and under /test/ switches the tests use to play the provider's
// part: set the accounts, rotate the signing key, run the provider's clock off true, misdirect ID tokens.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const accounts = new Map(); // login -> { password, claims }
let misdirectTo = null;
let clockOffsetMs = 0;

const realNow = Date.now;
Date.now = () => realNow() + clockOffsetMs;

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };
}

function buildProvider(issuer, key) {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'lms',
        client_secret: 'lms-secret',
        // "native" lets a loopback redirect URI carry any port (RFC 8252), as the tests' servers pick free ones.
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/login/sso/callback', 'http://localhost/login/sso/callback'],
        post_logout_redirect_uris: ['http://127.0.0.1/login', 'http://localhost/login'],
      },
      { client_id: 'another-app', client_secret: 'another-secret', redirect_uris: ['http://127.0.0.1/elsewhere'] },
    ],
    jwks: { keys: [key] },
    cookies: { keys: ['test-only-cookie-key'] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], employee: ['employeeid'] },
    // Like Entra ID, put the requested claims in the ID token itself.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { IdToken: 300 },
    async findAccount(ctx, sub) {
      const account = [...accounts.values()].find((candidate) => candidate.claims.sub === sub);
      return account && { accountId: sub, claims: async () => ({ ...account.claims }) };
    },
  });
  const issue = provider.IdToken.prototype.issue;
  provider.IdToken.prototype.issue = async function issueMaybeMisdirected(options) {
    if (misdirectTo && options?.use === 'idtoken') {
      this.client = await provider.Client.find(misdirectTo);
    }
    return issue.call(this, options);
  };
  return provider;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, problem = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>${problem ? `<p role="alert">${escape(problem)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<p><label for="login">Username</label> <input id="login" name="login" autocomplete="username"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password"></p>
<p><button type="submit">Sign in</button></p></form>
<form method="post" action="/interaction/${uid}/abort"><p><button type="submit">Cancel</button></p></form>
</main></body></html>`;
}

async function body(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

function send(res, status, text, type = 'text/plain') {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8` });
  res.end(text);
}

const server = createServer();
let provider;

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'interaction mismatch');
  if (details.prompt.name === 'consent') {
    // First-party: grant what was asked without a consent screen (as Entra ID's admin consent does).
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true });
  }
  if (action === undefined && req.method === 'GET') return send(res, 200, loginPage(uid), 'text/html');
  if (action === 'abort' && req.method === 'POST') {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user cancelled' },
      { mergeWithLastSubmission: false });
  }
  if (action === 'login' && req.method === 'POST') {
    const form = new URLSearchParams(await body(req));
    const account = accounts.get(form.get('login'));
    if (!account || account.password !== form.get('password')) {
      return send(res, 200, loginPage(uid, 'Wrong username or password.'), 'text/html');
    }
    return provider.interactionFinished(req, res, { login: { accountId: account.claims.sub } },
      { mergeWithLastSubmission: false });
  }
  return send(res, 404, 'not found');
}

async function testSwitch(req, res, name) {
  const data = req.method === 'POST' ? JSON.parse((await body(req)) || '{}') : {};
  if (name === 'accounts') {
    accounts.clear();
    for (const [login, account] of Object.entries(data)) accounts.set(login, account);
  } else if (name === 'rotate-keys') {
    provider = buildProvider(provider.issuer, signingKey());
  } else if (name === 'clock') {
    clockOffsetMs = (data.offset_seconds || 0) * 1000;
  } else if (name === 'misdirect') {
    misdirectTo = data.client_id || null;
  } else {
    return send(res, 404, 'no such switch');
  }
  return send(res, 200, 'ok');
}

server.on('request', async (req, res) => {
  try {
    const path = new URL(req.url, 'http://x').pathname;
    const interactionPath = path.match(/^\/interaction\/([\w-]+)(?:\/(login|abort))?$/);
    const testPath = path.match(/^\/test\/([\w-]+)$/);
    if (interactionPath) return await interaction(req, res, interactionPath[1], interactionPath[2]);
    if (testPath && req.method === 'POST') return await testSwitch(req, res, testPath[1]);
    return provider.callback()(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) send(res, 500, 'provider error');
  }
});

server.listen(Number(process.env.PORT || 0), HOST, () => {
  const { port } = server.address();
  provider = buildProvider(`http://${HOST}:${port}`, signingKey());
  console.log(`listening on http://${HOST}:${port}`);
});
