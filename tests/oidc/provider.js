// A real OpenID Connect provider (the npm package oidc-provider) on loopback for KAA's single
// sign-on tests. Started by the fixture in tests/kaa/test_sso.py:
//
//   KAA_RP_URL=http://localhost:8081 KAA_CLIENT_SECRET=... node tests/oidc/provider.js
//
// It listens on a free port of 127.0.0.1 and prints one JSON line, {"issuer": ...}, when it is
// ready. People: whoever signs in with the password "test-password" under an e-mail address;
// ticking "second factor" adds "mfa" to the ID token's amr and makes its acr
// urn:kaa:test:mfa (else amr ["pwd"], acr urn:kaa:test:pwd); "groups" sets the groups claim.
//
// Clients (all with KAA_CLIENT_SECRET, redirect URI KAA_RP_URL/konto/sso/svar/):
//   kaa                  an ordinary client;
//   kaa-wrong-audience   its ID tokens name another audience ("another-service");
//   kaa-expired          its ID tokens expired an hour ago.
// The last two are a provider gone wrong: the token endpoint's ID token is re-signed with the
// provider's own key after the one change, so the relying party must catch it by the claim.

import { randomBytes } from 'node:crypto';
import http from 'node:http';

import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const RP = (process.env.KAA_RP_URL || 'http://localhost:8000').replace(/\/$/, '');
const SECRET = process.env.KAA_CLIENT_SECRET || 'kaa-test-secret-0123456789abcdef';
const PASSWORD = 'test-password';

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'kaa-test-key', alg: 'RS256', use: 'sig' };

const accounts = new Map(); // e-mail (lower case) -> { email, groups }

const TAMPER = {
  'kaa-wrong-audience': (claims) => ({ ...claims, aud: 'another-service', azp: 'another-service' }),
  'kaa-expired': (claims) => ({ ...claims, iat: claims.iat - 7200, auth_time: claims.iat - 7200, exp: claims.iat - 3600 }),
};

const client = (clientId) => ({
  client_id: clientId,
  client_secret: SECRET,
  redirect_uris: [`${RP}/konto/sso/svar/`],
  post_logout_redirect_uris: [`${RP}/konto/logga-in/`],
  grant_types: ['authorization_code'],
  response_types: ['code'],
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

const server = http.createServer();
await new Promise((resolve) => { server.listen(Number(process.env.PORT || 0), '127.0.0.1', resolve); });
const ISSUER = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(ISSUER, {
  clients: [client('kaa'), client('kaa-wrong-audience'), client('kaa-expired')],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  // Like Entra ID, the ID token always says how the person signed in (amr, acr).
  claims: {
    openid: ['sub', 'acr', 'amr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
    groups: ['groups'],
  },
  acrValues: ['urn:kaa:test:pwd', 'urn:kaa:test:mfa'],
  async findAccount(ctx, id) {
    const account = accounts.get(id);
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: true, groups: account.groups };
      },
    };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Sign out', `${form}<p>Sign out of the test provider too?</p>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign out</button>
<button type="submit" form="op.logoutForm">No</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<p>You are signed out.</p>');
      },
    },
  },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Grant: 3600, Interaction: 600, Session: 3600 },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', `<pre>${escape(JSON.stringify(out))}</pre>`);
  },
});

// A provider gone wrong, for the clients that ask for it (see the top of this file).
provider.use(async (ctx, next) => {
  await next();
  const tamper = TAMPER[ctx.oidc?.client?.clientId];
  if (ctx.path === '/token' && ctx.status === 200 && tamper && ctx.body?.id_token) {
    const header = decodeProtectedHeader(ctx.body.id_token);
    ctx.body.id_token = await new SignJWT(tamper(decodeJwt(ctx.body.id_token)))
      .setProtectedHeader(header).sign(privateKey);
  }
});

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function loginForm(uid, error = '') {
  return page('Sign in to the test provider', `${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<p><label for="email">E-mail</label> <input id="email" name="email" type="email" required></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" required></p>
<p><input id="mfa" name="mfa" type="checkbox" value="1"> <label for="mfa">Second factor</label></p>
<p><label for="groups">Groups</label> <input id="groups" name="groups"></p>
<p><button type="submit">Sign in</button></p></form>`);
}

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

async function interaction(req, res) {
  const [, , uid, action] = new URL(req.url, ISSUER).pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    // The municipality's own application: the consent is the provider's policy, not a question.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  if (req.method === 'GET') {
    send(res, 200, loginForm(uid));
    return;
  }
  if (action !== 'login') {
    send(res, 404, page('Not found', ''));
    return;
  }
  const form = await readForm(req);
  const email = (form.get('email') || '').trim().toLowerCase();
  if (!email || form.get('password') !== PASSWORD) {
    send(res, 200, loginForm(uid, 'Wrong e-mail or password.'));
    return;
  }
  const groups = (form.get('groups') || '').split(',').map((g) => g.trim()).filter(Boolean);
  accounts.set(email, { email, groups });
  const mfa = form.get('mfa') === '1';
  await provider.interactionFinished(req, res, {
    login: {
      accountId: email,
      amr: mfa ? ['pwd', 'mfa'] : ['pwd'],
      acr: mfa ? 'urn:kaa:test:mfa' : 'urn:kaa:test:pwd',
    },
  }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => send(res, 400, page('Error', `<pre>${escape(error.message)}</pre>`)));
    return;
  }
  callback(req, res);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.stdout.write(`${JSON.stringify({ issuer: ISSUER })}\n`);
