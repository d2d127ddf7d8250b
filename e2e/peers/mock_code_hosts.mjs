// A fake GitHub (Enterprise Server layout) and a fake GitLab built on
// oauth2-mock-server 8.2.3: its real authorization-code + PKCE endpoints under each
// host's paths, plus the user endpoints Packyard reads, which accept only access tokens
// this process issued. Prints one JSON line: {"github": "<base>", "gitlab": "<base>"}.
// Stopped by the test (SIGTERM) or when its stdin closes.
//
// The GitHub host also answers the organization API a synchronization calls, under
// /api/v3 as GitHub Enterprise Server does: repositories (two a page, `Link` paging),
// composer.json through the contents API (read from the real git repository behind each
// clone URL), repository hooks, teams with their members and repositories. Tokens carry
// the scopes asked for at sign-in, and the API is as strict about them as GitHub: private
// repositories need `repo`, hooks `repo` or a `*:repo_hook` scope, teams `read:org`.
//
// The test drives it through /_control/github/…: it declares an organization, reads the
// hooks Packyard installed, and makes the host deliver a push to them, built from
// GitHub Enterprise's published push payload and signed with the hook's secret.

import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';

const USERS = {
  github: { id: 4242, login: 'mock-octo', email: 'octo@mock.example' },
  gitlab: { id: 77, login: 'mock-tanuki', email: 'tanuki@mock.example' },
};

/// Small pages, so that every listing needs the `Link` header.
const PAGE_SIZE = 2;
const PUSH_FIXTURE = new URL(
  '../../../shared/fixtures/webhooks/github-enterprise/push-tag-created.json',
  import.meta.url,
);

async function host(kind, endpoints, routes, api) {
  const issuer = new OAuth2Issuer();
  await issuer.keys.generate('RS256');
  const service = new OAuth2Service(issuer, endpoints);
  // Access token → the scopes it was granted.
  const issued = new Map();
  // Authorization code → the scopes asked for; GitHub grants what an OAuth app asks.
  const asked = new Map();
  service.on('beforeAuthorizeRedirect', ({ url }, req) => {
    const scope = new URL(req.url, 'http://x').searchParams.get('scope') ?? '';
    asked.set(url.searchParams.get('code'), scope.split(/[\s,]+/).filter(Boolean));
  });
  service.on('beforeResponse', (response, req) => {
    if (response.statusCode !== 200) return;
    const scopes = asked.get(req.body?.code) ?? [];
    asked.delete(req.body?.code);
    issued.set(response.body.access_token, scopes);
    if (kind === 'github') {
      // GitHub OAuth apps: no expiry, no refresh token, comma-separated scopes.
      response.body = {
        access_token: response.body.access_token,
        token_type: 'bearer',
        scope: scopes.join(','),
      };
    }
  });
  const mock = service.requestHandler;
  let base;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    try {
      if (api && url.pathname.startsWith('/_control/')) {
        return send(res, await api.control(req.method, url, await readJson(req), base));
      }
      const route = routes[url.pathname];
      const apiRoute = !route && api ? api.match(req.method, url.pathname) : null;
      if (!route && !apiRoute) return mock(req, res);
      const token = (req.headers.authorization || '').replace(/^(Bearer|token) /i, '');
      if (!issued.has(token)) {
        return send(res, { status: 401, body: { message: 'Bad credentials' } });
      }
      if (route) return send(res, { body: route(USERS[kind]) });
      const scopes = issued.get(token);
      res.setHeader('X-OAuth-Scopes', scopes.join(', '));
      const answer = await apiRoute.handle({
        params: apiRoute.params,
        query: url.searchParams,
        url: new URL(req.url, base),
        scopes,
        body: await readJson(req),
      });
      send(res, answer);
    } catch (error) {
      send(res, { status: 500, body: { message: String(error?.stack ?? error) } });
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  issuer.url = base;
  return { base, server };
}

function send(res, { status = 200, body, headers = {} }) {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === undefined) return res.end();
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

// ---- The GitHub organization API ------------------------------------------------

/// Routes `METHOD /api/v3/a/{b}/c` matched segment by segment.
function router(table) {
  const routes = Object.entries(table).map(([key, handle]) => {
    const [method, pattern] = key.split(' ');
    return { method, parts: pattern.split('/'), handle };
  });
  return (method, path) => {
    const parts = path.split('/');
    for (const route of routes) {
      if (route.method !== method || route.parts.length !== parts.length) continue;
      const params = {};
      const matches = route.parts.every((part, i) => {
        if (part.startsWith('{')) {
          params[part.slice(1, -1)] = decodeURIComponent(parts[i]);
          return true;
        }
        return part === parts[i];
      });
      if (matches) return { params, handle: route.handle };
    }
    return null;
  };
}

const NOT_FOUND = {
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/enterprise-server@3.14/rest' },
};
const has = (scopes, ...any) => any.some((scope) => scopes.includes(scope));

/// One page of `items` and, when more follow, GitHub's `Link` header.
function paged(items, url) {
  const page = Number(url.searchParams.get('page') ?? 1);
  const last = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
  const body = items.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  if (page >= last) return { body };
  const at = (n) => {
    const target = new URL(url);
    target.searchParams.set('page', String(n));
    return target.href;
  };
  return { body, headers: { Link: `<${at(page + 1)}>; rel="next", <${at(last)}>; rel="last"` } };
}

function github_api() {
  // Organization login → { repositories: [{ name, clone_url, default_branch, archived,
  // private }], teams: [{ id, slug, name, members: [{ id, login }], repositories: { name:
  // permission } }] }, as the test declared them.
  const organizations = new Map();
  // `owner/repo` → hooks created: { id, name, active, events, config: { url, secret, … } }.
  const hooks = new Map();
  let nextHookId = 1;

  const repository = (org, name) =>
    organizations.get(org)?.repositories.find((repo) => repo.name === name);
  const gitDir = (repo) =>
    repo.clone_url.startsWith('file:') ? fileURLToPath(repo.clone_url) : repo.clone_url;
  const repoJson = (base, org, repo, permissions) => ({
    id: 1000 + organizations.get(org).repositories.indexOf(repo),
    node_id: `R_${org}_${repo.name}`,
    name: repo.name,
    full_name: `${org}/${repo.name}`,
    private: repo.private ?? true,
    owner: { login: org, type: 'Organization' },
    html_url: `${base}/${org}/${repo.name}`,
    url: `${base}/api/v3/repos/${org}/${repo.name}`,
    clone_url: repo.clone_url,
    default_branch: repo.default_branch ?? 'main',
    archived: repo.archived ?? false,
    permissions,
  });
  const teamOf = (org, slug) => organizations.get(org)?.teams.find((team) => team.slug === slug);
  const mayReadOrg = (scopes) => has(scopes, 'read:org', 'write:org', 'admin:org');
  const orgScopeRefusal = {
    status: 403,
    body: { message: 'Resource not accessible: the token lacks the read:org scope.' },
    headers: { 'X-Accepted-OAuth-Scopes': 'admin:org, read:org, repo, user, write:org' },
  };
  const ROLES = {
    admin: ['admin', 'maintain', 'push', 'triage', 'pull'],
    maintain: ['maintain', 'push', 'triage', 'pull'],
    push: ['push', 'triage', 'pull'],
    triage: ['triage', 'pull'],
    pull: ['pull'],
  };
  const permissionsOf = (role) =>
    Object.fromEntries(['admin', 'maintain', 'push', 'triage', 'pull'].map((p) => [p, ROLES[role].includes(p)]));

  const match = router({
    'GET /api/v3/orgs/{org}/repos': ({ params, url, scopes }) => {
      const org = organizations.get(params.org);
      if (!org) return NOT_FOUND;
      // Without `repo` a token sees the public repositories only.
      const visible = org.repositories.filter((repo) => !(repo.private ?? true) || has(scopes, 'repo'));
      return paged(visible.map((repo) => repoJson(url.origin, params.org, repo, permissionsOf('admin'))), url);
    },
    'GET /api/v3/repos/{owner}/{repo}/contents/composer.json': ({ params, query, scopes }) => {
      const repo = repository(params.owner, params.repo);
      if (!repo || ((repo.private ?? true) && !has(scopes, 'repo'))) return NOT_FOUND;
      const ref = query.get('ref') ?? repo.default_branch ?? 'main';
      let content;
      try {
        content = execFileSync('git', ['-C', gitDir(repo), 'show', `${ref}:composer.json`], {
          stdio: ['ignore', 'pipe', 'ignore'],
        });
      } catch {
        return NOT_FOUND;
      }
      return {
        body: {
          type: 'file',
          encoding: 'base64',
          size: content.length,
          name: 'composer.json',
          path: 'composer.json',
          content: content.toString('base64'),
        },
      };
    },
    'GET /api/v3/repos/{owner}/{repo}/hooks': ({ params, url, scopes }) => {
      const repo = repository(params.owner, params.repo);
      if (!repo || !has(scopes, 'repo', 'read:repo_hook', 'write:repo_hook', 'admin:repo_hook')) {
        return NOT_FOUND;
      }
      const listed = (hooks.get(`${params.owner}/${params.repo}`) ?? []).map((hook) => ({
        ...hook,
        // GitHub never shows a secret back.
        config: { ...hook.config, secret: '********' },
      }));
      return paged(listed, url);
    },
    'POST /api/v3/repos/{owner}/{repo}/hooks': ({ params, scopes, body }) => {
      const repo = repository(params.owner, params.repo);
      if (!repo || !has(scopes, 'repo', 'write:repo_hook', 'admin:repo_hook')) return NOT_FOUND;
      const key = `${params.owner}/${params.repo}`;
      const existing = hooks.get(key) ?? [];
      if (body?.name !== 'web' || typeof body?.config?.url !== 'string') {
        return { status: 422, body: { message: 'Validation Failed' } };
      }
      if (existing.some((hook) => hook.config.url === body.config.url)) {
        return {
          status: 422,
          body: { message: 'Validation Failed', errors: [{ resource: 'Hook', code: 'custom', message: 'Hook already exists on this repository' }] },
        };
      }
      const hook = {
        type: 'Repository',
        id: nextHookId++,
        name: 'web',
        active: body.active ?? true,
        events: body.events ?? ['push'],
        config: {
          url: body.config.url,
          content_type: body.config.content_type ?? 'form',
          insecure_ssl: body.config.insecure_ssl ?? '0',
          secret: body.config.secret,
        },
        created_at: new Date().toISOString(),
      };
      hooks.set(key, [...existing, hook]);
      return { status: 201, body: { ...hook, config: { ...hook.config, secret: '********' } } };
    },
    'GET /api/v3/orgs/{org}/teams': ({ params, url, scopes }) => {
      if (!organizations.has(params.org)) return NOT_FOUND;
      if (!mayReadOrg(scopes)) return orgScopeRefusal;
      const teams = organizations.get(params.org).teams.map((team) => ({
        id: team.id,
        node_id: `T_${team.id}`,
        slug: team.slug,
        name: team.name,
        privacy: 'closed',
        permission: 'pull',
        parent: null,
        url: `${url.origin}/api/v3/organizations/1/team/${team.id}`,
        members_url: `${url.origin}/api/v3/organizations/1/team/${team.id}/members{/member}`,
        repositories_url: `${url.origin}/api/v3/organizations/1/team/${team.id}/repos`,
      }));
      return paged(teams, url);
    },
    'GET /api/v3/orgs/{org}/teams/{slug}/members': ({ params, url, scopes }) => {
      const team = teamOf(params.org, params.slug);
      if (!team) return NOT_FOUND;
      if (!mayReadOrg(scopes)) return orgScopeRefusal;
      const members = team.members.map((member) => ({
        login: member.login,
        id: member.id,
        node_id: `U_${member.id}`,
        type: 'User',
        site_admin: false,
      }));
      return paged(members, url);
    },
    'GET /api/v3/orgs/{org}/teams/{slug}/repos': ({ params, url, scopes }) => {
      const team = teamOf(params.org, params.slug);
      if (!team) return NOT_FOUND;
      if (!mayReadOrg(scopes)) return orgScopeRefusal;
      const repos = Object.entries(team.repositories ?? {}).map(([name, role]) => ({
        ...repoJson(url.origin, params.org, repository(params.org, name), permissionsOf(role)),
        role_name: role,
      }));
      return paged(repos, url);
    },
  });

  /// The test's side: declare an organization, read the hooks, deliver a push.
  async function control(method, url, body, base) {
    const parts = url.pathname.split('/').slice(3);
    if (method === 'PUT' && parts[0] === 'orgs' && parts.length === 2) {
      organizations.set(parts[1], { repositories: body.repositories ?? [], teams: body.teams ?? [] });
      return { status: 204 };
    }
    if (method === 'GET' && parts[0] === 'hooks' && parts.length === 3) {
      return { body: hooks.get(`${parts[1]}/${parts[2]}`) ?? [] };
    }
    if (method === 'POST' && parts[0] === 'push' && parts.length === 3) {
      const [org, name] = [parts[1], parts[2]];
      const repo = repository(org, name);
      if (!repo) return NOT_FOUND;
      const deliveries = [];
      for (const hook of hooks.get(`${org}/${name}`) ?? []) {
        if (!hook.active || !hook.events.includes('push')) continue;
        deliveries.push(await deliverPush(hook, base, org, repo, body.ref));
      }
      return { body: { deliveries } };
    }
    return { status: 404, body: { message: `no control endpoint ${method} ${url.pathname}` } };
  }

  /// What GitHub Enterprise sends for a pushed tag: its published payload with this
  /// repository's names and URLs, signed with the hook's secret.
  async function deliverPush(hook, base, org, repo, ref) {
    const sha = execFileSync('git', ['-C', gitDir(repo), 'rev-parse', `${ref}^{commit}`], {
      encoding: 'utf8',
    }).trim();
    const payload = JSON.parse(readFileSync(PUSH_FIXTURE, 'utf8'));
    const shortRef = ref.replace(/^refs\/(tags|heads)\//, '');
    Object.assign(payload, {
      ref,
      after: sha,
      compare: `${base}/${org}/${repo.name}/compare/${shortRef}`,
      head_commit: { ...payload.head_commit, id: sha, url: `${base}/${org}/${repo.name}/commit/${sha}` },
    });
    // Packyard finds the package by the repository's URLs: all of them name this one.
    Object.assign(payload.repository, {
      name: repo.name,
      full_name: `${org}/${repo.name}`,
      private: repo.private ?? true,
      default_branch: repo.default_branch ?? 'main',
      master_branch: repo.default_branch ?? 'main',
    });
    for (const field of ['html_url', 'url', 'clone_url', 'git_url', 'ssh_url', 'svn_url']) {
      payload.repository[field] = repo.clone_url;
    }
    payload.repository.owner = { ...payload.repository.owner, login: org, name: org };
    const body = JSON.stringify(payload);
    const json = hook.config.content_type === 'json';
    const sent = json ? body : new URLSearchParams({ payload: body }).toString();
    const headers = {
      'User-Agent': 'GitHub-Hookshot/mock',
      'Content-Type': json ? 'application/json' : 'application/x-www-form-urlencoded',
      'X-GitHub-Event': 'push',
      'X-GitHub-Delivery': randomUUID(),
      'X-GitHub-Hook-ID': String(hook.id),
      'X-GitHub-Hook-Installation-Target-Type': 'repository',
      'X-GitHub-Enterprise-Host': new URL(base).host,
      'X-GitHub-Enterprise-Version': '3.14.0',
    };
    if (hook.config.secret) {
      const sign = (algorithm) => createHmac(algorithm, hook.config.secret).update(sent).digest('hex');
      headers['X-Hub-Signature'] = `sha1=${sign('sha1')}`;
      headers['X-Hub-Signature-256'] = `sha256=${sign('sha256')}`;
    }
    const response = await fetch(hook.config.url, { method: 'POST', headers, body: sent });
    return { url: hook.config.url, status: response.status, body: await response.text() };
  }

  return { match, control };
}

const github = await host(
  'github',
  { authorize: '/login/oauth/authorize', token: '/login/oauth/access_token' },
  {
    '/api/v3/user': (u) => ({ id: u.id, login: u.login, name: 'Mock Octo', email: null, type: 'User' }),
    '/api/v3/user/emails': (u) => [{ email: u.email, primary: true, verified: true, visibility: 'private' }],
  },
  github_api(),
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
