/// <reference lib="dom" />
import {
  type Config,
  completeCognitoSignIn,
  currentSession,
  devSignInForm,
  type Session,
  signOut,
  startCognitoSignIn,
} from './auth.ts';
import { h, message, ROLE_LABELS } from './dom.ts';
import { dossierView } from './views/dossier.ts';
import { provinceView } from './views/province.ts';
import { unitView } from './views/unit.ts';

/** The dashboard: hash routes (#/, #/unit/<id>, #/dossier/<id>), so that the static site needs no server routing. */

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;

function renderNav(config: Config, session: Session): void {
  const out = h('button', { type: 'button' }, 'Đăng xuất');
  out.addEventListener('click', () => {
    signOut(config);
    void start();
  });
  nav.replaceChildren(
    h('a', { href: '#/' }, 'Theo đơn vị'),
    h('a', { href: `#/unit/${encodeURIComponent(session.unitId)}` }, 'Hồ sơ của đơn vị'),
    h('span', { id: 'who' }, `${session.unitId} · ${ROLE_LABELS[session.role] ?? session.role}`),
    out,
  );
}

async function route(session: Session): Promise<void> {
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'unit' && parts[1]) return unitView(session, main, parts[1]);
  if (parts[0] === 'dossier' && parts[1]) return dossierView(session, main, parts[1]);
  return provinceView(session, main, new URLSearchParams(query));
}

async function start(): Promise<void> {
  const config = (await (await fetch('config.json')).json()) as Config;
  if (config.auth === 'cognito') await completeCognitoSignIn(config);
  const session = currentSession(config);
  if (!session) {
    nav.replaceChildren();
    if (config.auth === 'cognito') {
      const b = h('button', { type: 'button' }, 'Đăng nhập');
      b.addEventListener('click', () => void startCognitoSignIn(config));
      main.replaceChildren(
        h(
          'section',
          {},
          h('h1', {}, 'Đăng nhập'),
          h('p', {}, 'Đăng nhập bằng tài khoản do Văn phòng UBND tỉnh cấp.'),
          b,
        ),
      );
    } else main.replaceChildren(await devSignInForm(() => void start()));
    return;
  }
  renderNav(config, session);
  await route(session);
}

addEventListener('hashchange', () => void start());
start().catch((err: Error) => main.replaceChildren(message('error', err.message)));
