// A real OpenID Connect provider for the test suite: npm `oidc-provider`,
// configured the way a helpdesk deployment would configure its IdP.
//
//   node provider.mjs keygen [rsa|ec] [kid]       print a private JWK set
//   node provider.mjs pem '<public JWK>'           print it as SPKI and PKCS#1 PEM
//   node provider.mjs serve --port P --keys F --accounts F [--issuer URL]
//
// `serve` listens on 127.0.0.1:P with issuer http://127.0.0.1:P (or --issuer)
// and signs with the private keys in F (the first RSA key signs RS256, an EC
// P-256 key, when present, signs ES256); it prints "ready <issuer>" once it
// listens.  Restarting it with another key set on the same port is a key
// rotation as the helpdesk sees it.
//
// Clients (public, PKCE S256, redirect http://127.0.0.1/cb, and the web
// app's http://127.0.0.1:<any port>/auth/callback, with CORS for any
// http://127.0.0.1:<port> origin, so a test stack's SPA can sign in):
//   helpdesk      the SPA; its ID tokens are therefore for audience
//                 "helpdesk" too, so only their shape (nonce) tells them
//                 from access tokens
// Resources (resource indicators; JWT access tokens, scope "api"):
//   urn:helpdesk          audience "helpdesk", RS256
//   urn:helpdesk:es256    audience "helpdesk", ES256 (needs an EC key)
//   urn:other             audience "other-api", RS256
// Access tokens carry email, email_verified, name and roles of the account.
//
// Accounts come from the JSON file given with --accounts (re-read on every
// login, so a test may add accounts while the provider runs):
//   { "<sub>": { "password": …, "email": …, "email_verified": true,
//                "name": …, "roles": [ … ] }, … }
//
// Interaction (the provider's own pages, no JavaScript): GET
// /interaction/<uid> shows a login form (login, password) or a consent form;
// POST /interaction/<uid>/login and /interaction/<uid>/confirm answer them.
//
// Test controls, loopback only: POST /_test/clock?offset=<seconds> shifts
// the provider's clock (tokens minted meanwhile are issued in the past).

import { readFileSync } from 'node:fs';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider, { errors } from 'oidc-provider';

const LOOPBACK_ORIGIN = /^http:\/\/127\.0\.0\.1:\d+$/;
const SPA_CALLBACK = /^http:\/\/127\.0\.0\.1:\d+\/auth\/callback$/;
const SPA_LOGOUT = /^http:\/\/127\.0\.0\.1:\d+\/login$/;

const RESOURCES = {
  'urn:helpdesk': { audience: 'helpdesk', alg: 'RS256' },
  'urn:helpdesk:es256': { audience: 'helpdesk', alg: 'ES256' },
  'urn:other': { audience: 'other-api', alg: 'RS256' },
};

function keygen(type = 'rsa', kid) {
  const pair = type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = pair.privateKey.export({ format: 'jwk' });
  jwk.kid = kid || `${type}-${randomBytes(6).toString('hex')}`;
  jwk.use = 'sig';
  jwk.alg = type === 'ec' ? 'ES256' : 'RS256';
  return { keys: [jwk] };
}

function options(argv) {
  const opt = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
      throw new Error(`bad argument ${argv[i]}`);
    }
    opt[argv[i].slice(2)] = argv[i + 1];
  }
  return opt;
}

let clockOffsetMs = 0;
const realNow = Date.now;
Date.now = () => realNow() + clockOffsetMs;

function readAccounts(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

async function formBody(ctx) {
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title>`
    + `<h1>${esc(title)}</h1>${body}`;
}

// Grant everything the client asked for: the consent a user clicks through.
async function grantAll(provider, details) {
  const { prompt: { details: missing }, params, session } = details;
  let { grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });

  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  if (missing.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  grantId = await grant.save();
  return grantId;
}

function interactions(provider, accountsFile) {
  return async (ctx, next) => {
    const m = ctx.path.match(/^\/interaction\/([\w-]+)(?:\/(login|confirm))?$/);

    if (ctx.path === '/_test/clock' && ctx.method === 'POST') {
      clockOffsetMs = Number(ctx.query.offset || 0) * 1000;
      ctx.body = { offset: clockOffsetMs / 1000 };
      return;
    }

    if (!m) {
      await next();
      return;
    }

    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { uid, prompt } = details;
    ctx.set('cache-control', 'no-store');

    if (ctx.method === 'GET' && !m[2]) {
      ctx.type = 'html';
      ctx.body = prompt.name === 'login'
        ? page('Sign in', `<form method="post" action="/interaction/${esc(uid)}/login">`
            + '<input name="login"><input name="password" type="password">'
            + '<button>Sign in</button></form>')
        : page('Authorize', `<form method="post" action="/interaction/${esc(uid)}/confirm">`
            + '<button>Allow</button></form>');
      return;
    }

    if (ctx.method !== 'POST' || !m[2]) {
      ctx.status = 405;
      return;
    }

    const form = await formBody(ctx);
    let result;

    if (m[2] === 'login') {
      const login = form.get('login') || '';
      const account = readAccounts(accountsFile)[login];
      if (prompt.name !== 'login' || !account || account.password !== form.get('password')) {
        ctx.status = 401;
        ctx.type = 'html';
        ctx.body = page('Sign in failed', '<p>unknown account or wrong password</p>');
        return;
      }
      result = { login: { accountId: login } };
    } else {
      if (prompt.name !== 'consent') {
        ctx.status = 400;
        return;
      }
      result = { consent: { grantId: await grantAll(provider, details) } };
    }

    const to = await provider.interactionResult(ctx.req, ctx.res, result,
      { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(to);
  };
}

async function serve(opt) {
  const port = Number(opt.port);
  const issuer = opt.issuer || `http://127.0.0.1:${port}`;
  const jwks = JSON.parse(readFileSync(opt.keys, 'utf8'));
  const accountsFile = opt.accounts;

  const provider = new Provider(issuer, {
    jwks,
    clients: [{
      client_id: 'helpdesk',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/cb'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    scopes: ['openid', 'email', 'profile'],
    cookies: { keys: [randomBytes(32).toString('hex')] },
    clientBasedCORS: (ctx, origin, client) => client.clientId === 'helpdesk' && LOOPBACK_ORIGIN.test(origin),
    pkce: { required: () => true },
    ttl: { AccessToken: 600, IdToken: 600, AuthorizationCode: 600 },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:helpdesk',
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, indicator) => {
          const rs = RESOURCES[indicator];
          if (!rs) throw new errors.InvalidTarget();
          return {
            scope: 'api',
            audience: rs.audience,
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: rs.alg } },
          };
        },
      },
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
    },
    async findAccount(ctx, sub) {
      const account = readAccounts(accountsFile)[sub];
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: account.email,
            email_verified: account.email_verified,
            name: account.name,
          };
        },
      };
    },
    async extraTokenClaims(ctx, token) {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const account = readAccounts(accountsFile)[token.accountId];
      if (!account) return undefined;
      const claims = {
        email: account.email,
        email_verified: account.email_verified,
        name: account.name,
      };
      if (account.roles) claims.roles = account.roles;
      return claims;
    },
  });

  // The web app's callback on whatever loopback port the test stack listens on: the port is
  // not compared, as RFC 8252 does for native apps' loopback redirects.
  const registered = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
    if (registered.call(this, value)) return true;
    return this.clientId === 'helpdesk' && SPA_CALLBACK.test(value);
  };

  // Likewise the web app's login page as where the provider's sign-out (end_session_endpoint,
  // RP-initiated logout) sends the browser back to.
  const registeredLogout = provider.Client.prototype.postLogoutRedirectUriAllowed;
  provider.Client.prototype.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(value) {
    if (registeredLogout.call(this, value)) return true;
    return this.clientId === 'helpdesk' && SPA_LOGOUT.test(value);
  };

  provider.use(interactions(provider, accountsFile));
  provider.on('server_error', (ctx, err) => console.error('server_error', err));

  const server = provider.listen(port, '127.0.0.1', () => {
    console.log(`ready ${issuer}`);
  });

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

const [cmd, ...rest] = process.argv.slice(2);

if (cmd === 'pem') {
  const key = createPublicKey({ key: JSON.parse(rest[0]), format: 'jwk' });
  process.stdout.write(key.export({ type: 'spki', format: 'pem' }));
  if (key.asymmetricKeyType === 'rsa') process.stdout.write(key.export({ type: 'pkcs1', format: 'pem' }));
} else if (cmd === 'keygen') {
  process.stdout.write(`${JSON.stringify(keygen(rest[0], rest[1]))}\n`);
} else if (cmd === 'serve') {
  await serve(options(rest));
} else {
  console.error('usage: provider.mjs keygen [rsa|ec] [kid] | serve --port P --keys F --accounts F [--issuer URL]');
  process.exit(2);
}
