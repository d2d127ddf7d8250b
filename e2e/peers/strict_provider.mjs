// A strict OAuth server for negative tests: oidc-provider 9.13.3 with one registered
// client (secret in the body, one exact redirect URI), PKCE required, single-use codes.
// Its userinfo is served at GitLab's `/api/v4/user` with GitLab-shaped claims, so
// Packyard can use it as a `gitlab` provider end to end.
// Usage: node strict_provider.mjs <client_id> <client_secret> <redirect_uri>
// Prints one JSON line: {"issuer": "<base>"}. Stopped by SIGTERM or when stdin closes.

import http from 'node:http';
import Provider from 'oidc-provider';

const [clientId, clientSecret, redirectUri] = process.argv.slice(2);

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  pkce: { required: () => true },
  routes: { userinfo: '/api/v4/user' },
  claims: { openid: ['sub', 'id', 'username', 'name', 'email', 'confirmed_at'] },
  cookies: { keys: ['packyard-e2e-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          id: 9001,
          username: sub,
          name: 'Strict User',
          email: `${sub}@strict.example`,
          confirmed_at: '2024-01-01T00:00:00.000Z',
        };
      },
    };
  },
});
// The userinfo answer is JSON without the Accept dance; keep the log quiet.
provider.on('server_error', (_ctx, error) => console.error('oidc-provider:', error));
server.on('request', provider.callback());

console.log(JSON.stringify({ issuer }));
const stop = () => {
  server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
