// Words and account recovery (#16 items 8 and 9): a new user is welcomed (not "back"), an
// empty friends page points only to what it shows, star ratings are labelled images, and a
// forgotten password is mailed as a link (FC_MAIL_SPOOL: the SMTP sink's folder) and used;
// the log-in after it is a welcome back.
'use strict';
const fs = require('fs');
const path = require('path');
const { base, check, shot, newPage, submit, signup, login, run } = require('./lib');

async function mailLink(spool, n) {
  for (let i = 0; i < 100; i++) {
    const f = path.join(spool, `${n}.eml`);
    if (fs.existsSync(f)) {
      const m = fs.readFileSync(f, 'utf8').match(/http:\/\/forkcast\.test(\/reset\?token=[0-9a-f]{64})/);
      return m ? base + m[1] : null;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

run('words', async (browser) => {
  const a = await newPage(browser);
  await signup(a, 'wendy');
  const h1 = (await a.textContent('h1')).trim();
  check(h1 === 'Welcome, Wendy', 'a new user is welcomed, not welcomed back', h1);
  check((await a.title()) === 'forkcast', 'the home page title is just forkcast', await a.title());
  await shot(a, '01-welcome-new-user');

  await a.goto(base + '/friends');
  const suggest = await a.locator('h2', { hasText: 'People you may know' }).count();
  const empty = await a.textContent('.empty');
  check(suggest > 0 || !empty.includes('People you may know'),
        'the empty friends page points only to sections it shows', empty);
  await shot(a, '02-friends-empty');

  const p = await newPage(browser, { phone: true });
  await p.goto(base + '/restaurants');
  const stars = p.getByRole('img', { name: /of 5 stars/ });
  check(await stars.count() > 0, 'star ratings are images named "N of 5 stars"', await stars.count());
  const txt = await p.textContent('main');
  check(!/\b1 (reviews|restaurants|places)\b/.test(txt), 'no "1 reviews" in the list');
  await shot(p, '03-stars-phone');

  // forgot -> mail -> link -> new password -> log in
  await a.click('form[action="/logout"] button');
  await a.waitForLoadState();
  await a.goto(base + '/login');
  await Promise.all([a.waitForNavigation(), a.click('a[href="/forgot"]')]);
  await a.fill('#email', 'wendy@example.com');
  await submit(a, 'form[action="/forgot"] button[type=submit]');
  const notice = await a.textContent('.flash');
  check(notice.includes('If an account here has this address'), 'forgot: the same notice for any address', notice);
  await shot(a, '04-forgot-sent');
  const link = await mailLink(process.env.FC_MAIL_SPOOL, 1);
  check(link, 'the mail carries a reset link', link);
  await a.goto(link);
  await shot(a, '05-reset-form');
  await a.fill('#password', 'a fresh password');
  await a.fill('#password2', 'a fresh password');
  await submit(a, 'form[action="/reset"] button[type=submit]');
  check(a.url().endsWith('/login') && (await a.textContent('.flash')).includes('password is changed'),
        'the link sets the password and sends to log in', a.url());
  await shot(a, '06-reset-done');
  await a.goto(link);
  await a.fill('#password', 'yet another one!');
  await a.fill('#password2', 'yet another one!');
  await submit(a, 'form[action="/reset"] button[type=submit]');
  check((await a.textContent('.form-error')).includes('used already'), 'the link works once');
  await shot(a, '07-reset-used');

  // the administrator's link, shown once on the user's admin page
  const adm = await newPage(browser);
  await login(adm, 'admin');
  await adm.goto(base + '/admin/users/wendy');
  await submit(adm, 'form[action="/admin/users/wendy/reset-link"] button');
  const shown = await adm.inputValue('#link');
  check(/\/reset\?token=[0-9a-f]{64}$/.test(shown), 'the admin page shows a reset link once', shown);
  await shot(adm, '09-admin-reset-link');

  await login(a, 'wendy', 'a fresh password');
  const back = (await a.textContent('h1')).trim();
  check(back === 'Welcome back, Wendy', 'log-in with the new password: welcome back', back);
  await shot(a, '08-welcome-back');
});
