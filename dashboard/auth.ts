/// <reference lib="dom" />
import { h } from './dom.ts';

/**
 * Sign-in. On AWS: the user pool's hosted sign-in, OAuth 2 authorization code flow with PKCE (RFC 7636) for a public
 * client; the ID token (it carries custom:unitId and custom:role) goes in the Authorization header, and API Gateway's
 * Cognito authorizer verifies it. Locally (`dunghan serve`): a development sign-in that names a unit and a role, sent
 * in a header only the local server reads.
 */

export type Config = { auth: 'dev' } | { auth: 'cognito'; domain: string; clientId: string; redirectUri: string };

export interface Session {
  unitId: string;
  role: string;
  headers: Record<string, string>;
}

const KEY = 'dunghan.session';
const PKCE = 'dunghan.pkce';

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function claimsOf(idToken: string): Record<string, string> {
  const part = idToken.split('.')[1] ?? '';
  const json = decodeURIComponent(
    [...atob(part.replace(/-/g, '+').replace(/_/g, '/'))]
      .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .join(''),
  );
  return JSON.parse(json) as Record<string, string>;
}

export function currentSession(config: Config): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  const s = JSON.parse(raw) as { unitId: string; role: string; idToken?: string; expiresAt?: number };
  if (config.auth === 'cognito') {
    if (!s.idToken || (s.expiresAt ?? 0) < Date.now()) return null;
    return { unitId: s.unitId, role: s.role, headers: { authorization: s.idToken } };
  }
  return { unitId: s.unitId, role: s.role, headers: { 'x-dunghan-dev-as': `${s.unitId}:${s.role}` } };
}

export function signOut(config: Config): void {
  sessionStorage.removeItem(KEY);
  if (config.auth === 'cognito') {
    const q = new URLSearchParams({ client_id: config.clientId, logout_uri: config.redirectUri });
    location.assign(`https://${config.domain}/logout?${q}`);
  } else location.assign('#/');
}

/** Starts the hosted sign-in: a fresh verifier and state kept for the callback. */
export async function startCognitoSignIn(config: Extract<Config, { auth: 'cognito' }>): Promise<void> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(48)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state }));
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email',
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state,
  });
  location.assign(`https://${config.domain}/oauth2/authorize?${q}`);
}

/** Completes the code flow when the hosted sign-in returns here with ?code=&state=. */
export async function completeCognitoSignIn(config: Extract<Config, { auth: 'cognito' }>): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return false;
  const pkce = JSON.parse(sessionStorage.getItem(PKCE) ?? '{}') as { verifier?: string; state?: string };
  sessionStorage.removeItem(PKCE);
  if (!pkce.verifier || params.get('state') !== pkce.state)
    throw new Error('phiên đăng nhập không hợp lệ, hãy thử lại');
  const r = await fetch(`https://${config.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: config.redirectUri,
      code_verifier: pkce.verifier,
    }),
  });
  if (!r.ok) throw new Error(`đăng nhập thất bại (${r.status})`);
  const tokens = (await r.json()) as { id_token: string; expires_in: number };
  const claims = claimsOf(tokens.id_token);
  sessionStorage.setItem(
    KEY,
    JSON.stringify({
      unitId: claims['custom:unitId'],
      role: claims['custom:role'],
      idToken: tokens.id_token,
      expiresAt: Date.now() + tokens.expires_in * 1000,
    }),
  );
  history.replaceState(null, '', location.pathname + location.hash);
  return true;
}

/** The development sign-in of `dunghan serve`: pick a unit and a role. */
export async function devSignInForm(onDone: () => void): Promise<HTMLElement> {
  const units = (await (await fetch('dev/units')).json()) as { unitId: string; name: string }[];
  const unit = h(
    'select',
    { name: 'unitId' },
    ...units.map((u) => h('option', { value: u.unitId }, `${u.name} (${u.unitId})`)),
  );
  const role = h(
    'select',
    { name: 'role' },
    h('option', { value: 'head' }, 'Thủ trưởng (xem và xử lý)'),
    h('option', { value: 'viewer' }, 'Cán bộ (chỉ xem)'),
    h('option', { value: 'province' }, 'Văn phòng UBND tỉnh (toàn tỉnh)'),
  );
  const form = h(
    'form',
    { class: 'inline', id: 'sign-in' },
    h('label', {}, 'Đơn vị', unit),
    h('label', {}, 'Vai trò', role),
    h('button', { type: 'submit' }, 'Đăng nhập'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, JSON.stringify({ unitId: unit.value, role: role.value }));
    onDone();
  });
  return h(
    'section',
    {},
    h('h1', {}, 'Đăng nhập'),
    h('p', {}, 'Máy chủ phát triển (dunghan serve): chọn đơn vị và vai trò để xem như người dùng đó.'),
    form,
  );
}
