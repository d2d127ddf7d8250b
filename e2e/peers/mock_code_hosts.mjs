// A fake GitHub (Enterprise Server layout) and a fake GitLab built on
// oauth2-mock-server 8.2.3: its real authorization-code + PKCE endpoints under each
// host's paths, plus the user endpoints Packyard reads, which accept only access tokens
// this process issued. Prints one JSON line: {"github": "<base>", "gitlab": "<base>"}.
// Stopped by the test (SIGTERM) or when its stdin closes.

import http from 'node:http';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';

const USERS = {
  github: { id: 4242, login: 'mock-octo', email: 'octo@mock.example' },
  gitlab: { id: 77, login: 'mock-tanuki', email: 'tanuki@mock.example' },
};

async function host(kind, endpoints, routes) {
  const issuer = new OAuth2Issuer();
  await issuer.keys.generate('RS256');
  const service = new OAuth2Service(issuer, endpoints);
  const issued = new Set();
  service.on('beforeResponse', (response) => {
    if (response.statusCode !== 200) return;
    issued.add(response.body.access_token);
    if (kind === 'github') {
      // GitHub OAuth apps: no expiry, no refresh token, comma-separated scopes.
      response.body = {
        access_token: response.body.access_token,
        token_type: 'bearer',
        scope: 'read:user,user:email',
      };
    }
  });
  const mock = service.requestHandler;
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const route = routes[path];
    if (!route) return mock(req, res);
    const token = (req.headers.authorization || '').replace(/^Bearer /, '');
    res.setHeader('Content-Type', 'application/json');
    if (!issued.has(token)) {
      res.statusCode = 401;
      return res.end(JSON.stringify({ message: 'Bad credentials' }));
    }
    res.end(JSON.stringify(route(USERS[kind])));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  issuer.url = base;
  return { base, server };
}

const github = await host(
  'github',
  { authorize: '/login/oauth/authorize', token: '/login/oauth/access_token' },
  {
    '/api/v3/user': (u) => ({ id: u.id, login: u.login, name: 'Mock Octo', email: null, type: 'User' }),
    '/api/v3/user/emails': (u) => [{ email: u.email, primary: true, verified: true, visibility: 'private' }],
  },
);
const gitlab = await host(
  'gitlab',
  { authorize: '/oauth/authorize', token: '/oauth/token' },
  {
    '/api/v4/user': (u) => ({
      id: u.id, username: u.login, name: 'Mock Tanuki', state: 'active',
      email: u.email, confirmed_at: '2024-01-01T00:00:00.000Z',
    }),
  },
);

console.log(JSON.stringify({ github: github.base, gitlab: gitlab.base }));
const stop = () => {
  github.server.close();
  gitlab.server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
