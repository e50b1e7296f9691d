// Browser flow in headless Chromium (playwright-core, Debian's /usr/bin/chromium):
// sign up -> profile -> add friend (second context) -> review with a photo -> the friend's
// feed shows it -> home page recommendations -> admin health page. Prints one JSON line per
// check ({"ok": bool, "name": ..., "diag": ...}); t/browser.t turns them into TAP.
'use strict';
const { base, photo, check, shot, launch, signup } = require('./lib');

(async () => {
  const browser = await launch();
  try {
    const a = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    const b = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();

    await signup(a, 'maria');
    check((await a.textContent('h1')).includes('Welcome, Maria'), 'sign up lands on the home page, logged in');
    await shot(a, '01-home-after-signup');

    await a.goto(base + '/u/maria/edit');
    await a.fill('#bio', 'I live for tacos & <b>mole</b>');
    await a.fill('#city', 'Cuernavaca');
    await a.selectOption('#price', 'medium');
    await a.check('input[name=cuisine][value="Mexican"]');
    await Promise.all([a.waitForNavigation(), a.click('form button[type=submit]:has-text("Save")')]);
    const bio = await a.textContent('.bio');
    check(bio.includes('I live for tacos & <b>mole</b>'), 'profile saved; markup shown as text', bio);
    check((await a.textContent('.flash')).includes('Profile saved'), 'flash message after saving');
    await shot(a, '02-profile');

    await signup(b, 'pedro');
    await shot(b, '03-phone-home');
    await a.goto(base + '/friends?q=pedro');
    await Promise.all([a.waitForNavigation(), a.click('form[action="/friends/request"] button')]);
    check((await a.textContent('.flash')).includes('Friend request sent'), 'friend request sent from the search results');
    await b.goto(base + '/friends');
    await Promise.all([b.waitForNavigation(), b.click('form[action="/friends/accept"] button')]);
    check((await b.textContent('.flash')).includes('now friends'), 'the second browser accepts the request');
    await shot(b, '04-friends-phone');

    await b.goto(base + '/restaurants?q=Kiku');
    await Promise.all([b.waitForNavigation(), b.click('a.card-title:has-text("Kiku Cuernavaca")')]);
    await b.click('label[for=star5]');  // the star widget: a label, no script needed
    await b.fill('#body', 'Fresh fish, friendly staff.');
    await b.setInputFiles('#photo', photo);
    await Promise.all([b.waitForNavigation(), b.click('#my-review button[type=submit]:has-text("Post review")')]);
    check((await b.textContent('.flash')).includes('Thanks for your review'), 'review with a photo posted');
    await shot(b, '05-review-phone');

    await a.goto(base + '/feed');
    const item = a.locator('.feed-item', { hasText: 'Kiku Cuernavaca' }).first();
    check(await item.count() === 1 && (await item.textContent()).includes('Fresh fish'), "the friend's feed shows the review");
    const w = await item.locator('img.photo').evaluate((img) => img.complete ? img.naturalWidth : 0);
    check(w > 0, 'the review photo loads in the feed', w);
    await shot(a, '06-feed');

    await a.goto(base + '/');
    const recs = a.locator('.recs .card');
    check(await recs.count() >= 3, 'home page recommends restaurants', await recs.count());
    const why = recs.locator('.why');
    check(await why.count() >= 3 && (await why.first().textContent()).trim().length > 5, 'each recommendation has a reason',
          await why.count() ? await why.first().textContent() : '');
    await shot(a, '07-home-recommendations');

    const admin = await (await browser.newContext()).newPage();
    await admin.goto(base + '/login');
    await admin.fill('#username', 'admin');
    await admin.fill('#password', 'forkcast-demo');
    await Promise.all([admin.waitForNavigation(), admin.click('form[action="/login"] button')]);
    const resp = await admin.goto(base + '/admin/health');
    check(resp.status() === 200 && await admin.locator('svg').count() > 0, 'admin health page with charts', resp.status());
    await shot(admin, '08-admin-health');
    const denied = await a.goto(base + '/admin/health');
    check(denied.status() === 403, 'a non-admin gets 403 on the admin pages', denied.status());
  } catch (e) {
    check(false, 'browser flow ran to the end', e.stack);
  } finally {
    await browser.close();
  }
})();
