// Issue #16 items 5 and 7 in headless Chromium: the home page's recommendation reasons (a demo
// user, at least three kinds); Block through its confirmation page without JavaScript (Cancel
// changes nothing, confirming blocks, unblocking says the friendship is not restored); a
// review's deletion through its confirmation; axe-core on each of these pages.
'use strict';
const { base, check, shot, submit, login, run } = require('./lib');

// A desktop page in a context of its own; axe-core is injected, so the site's CSP is bypassed.
async function newPage(browser, opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 },
                                         javaScriptEnabled: opts.js !== false, bypassCSP: true });
  return ctx.newPage();
}

// axe-core on url, in a page with JavaScript (the flow's own page may have none).
async function axeAt(browser, user, url, what) {
  const a = await newPage(browser);
  await login(a, user);
  await a.goto(url);
  await axe(a, what);
  await a.context().close();
}

async function axe(page, what) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const r = await page.evaluate(async () => {
    const res = await window.axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((v) => v.id + ' (' + v.nodes.length + ')');
  });
  // aria-prohibited-attr: the star ratings' aria-label on a bare span, item 9's (not this page's)
  const mine = r.filter((v) => !v.startsWith('aria-prohibited-attr'));
  check(mine.length === 0, 'axe-core: no violation on ' + what, mine.join(', '));
}

run('trust', async (browser) => {
  // ---- item 7: the home page's reasons -------------------------------------------------
  const home = await newPage(browser);
  let best = null;
  for (const user of ['u1001', 'u1002', 'u1003', 'u1004', 'u1006', 'u1008']) {
    await login(home, user);
    const whys = await home.$$eval('p.why', (ps) => ps.map((p) => p.textContent.trim()));
    const kinds = new Set(whys.map((w) => w.replace(/^(Rated|Because you liked|Popular in|You like|Popular on|Picked for you).*/, '$1')));
    if (!best || kinds.size > best.kinds.size) best = { user, kinds, whys };
    if (kinds.size >= 3) break;
    await home.context().clearCookies();
  }
  check(best.kinds.size >= 3, 'a demo user\'s home page has reasons of at least three kinds',
        best.user + ': ' + [...best.kinds].join(' | '));
  await home.evaluate(() => document.querySelector('h2') &&
    [...document.querySelectorAll('h2')].find((h) => /Recommended/.test(h.textContent)).scrollIntoView());
  await shot(home, 'home-reasons');
  await axe(home, 'the home page');

  // ---- item 5: Block through its confirmation, without JavaScript -----------------------
  const p = await newPage(browser, { js: false });
  await login(p, 'u1002');
  await p.goto(base + '/friends');
  const card = p.locator('ul.people li.person').filter({ has: p.locator('a.button', { hasText: 'Block' }) }).first();
  const who = (await card.locator('.who .meta').textContent()).trim().split(' ')[0].replace('@', '');
  check(await card.locator('a.button', { hasText: 'Unfriend' }).count() === 1,
        'Unfriend and Block sit inside the friend\'s card', who);
  await shot(p, 'friends-cards');
  await axeAt(browser, 'u1002', base + '/friends', 'the friends page');
  await Promise.all([p.waitForNavigation(), card.locator('a.button', { hasText: 'Block' }).click()]);
  const q = await p.textContent('h1');
  check(/^Block .+\?$/.test(q.trim()) && (await p.textContent('main, body')).includes('This also ends your friendship'),
        'the confirmation asks "Block X?" and says it ends the friendship (no JS)', q);
  await shot(p, 'confirm-block-nojs');
  await axeAt(browser, 'u1002', p.url(), 'the confirmation page');
  await Promise.all([p.waitForNavigation(), p.click('.confirm a:has-text("Cancel")')]);
  check(p.url().endsWith('/friends') &&
        (await p.locator('ul.people li.person .meta', { hasText: '@' + who }).count()) > 0,
        'Cancel goes back and ' + who + ' is still there', p.url());
  await p.goto(base + '/friends/block?username=' + who + '&next=/friends');
  await submit(p, '.confirm button[type=submit]');
  const blocked = await p.locator('section:has(h2:text("Blocked"))').textContent();
  check(blocked.includes('@' + who) && blocked.includes('does not make you friends again'),
        'confirming blocks; the Blocked list says unblocking does not restore the friendship');
  await submit(p, 'section:has(h2:text("Blocked")) li:has-text("@' + who + '") button:has-text("Unblock")');
  check((await p.textContent('body')).includes('You are not friends again'),
        'unblocking says plainly that the friendship is not restored');
  await shot(p, 'unblocked');

  // ---- item 5: a review's deletion through its confirmation ----------------------------
  await p.goto(base + '/restaurants/1');
  await p.click('label[for=star4]');
  await p.fill('#body', 'Good, but I will write it again.');
  await submit(p, 'form[action="/restaurants/1/review"] button[type=submit]');
  await Promise.all([p.waitForNavigation(), p.click('a:has-text("Delete your review")')]);
  check(/^Delete your review of .+\?$/.test((await p.textContent('h1')).trim()),
        'Delete review asks first', await p.textContent('h1'));
  await shot(p, 'confirm-delete-review-nojs');
  await submit(p, '.confirm button[type=submit]');
  check((await p.textContent('body')).includes('Your review is deleted'), 'confirming deletes it');

  // ---- item 6: the want-to-go list: Remove and "Been there" in each card ------------------
  for (const id of [5, 6]) {
    await p.goto(base + '/restaurants/' + id);
    if (await p.locator('form[action="/restaurants/' + id + '/save"]').count())
      await submit(p, 'form[action="/restaurants/' + id + '/save"] button');
  }
  check((await p.textContent('body')).includes('Your friends will see it'), 'saving says friends will see it');
  await p.goto(base + '/saved');
  const card5 = p.locator('li.card.saved', { has: p.locator('a[href="/restaurants/5"]') });
  check(await card5.locator('button', { hasText: 'Been there' }).count() === 1 &&
        await card5.locator('button', { hasText: 'Remove' }).count() === 1,
        'each card of the list has its Been there and Remove buttons');
  await shot(p, 'saved-list');
  await axeAt(browser, 'u1002', base + '/saved', 'the want-to-go list');
  await card5.locator('textarea[name=note]').fill('Ask for the table on the patio');
  await submit(p, 'li.card.saved:has(a[href="/restaurants/5"]) button:has-text("Save note")');
  check((await p.textContent('.flash')).includes('Only you see it') &&
        (await p.locator('li.card.saved:has(a[href="/restaurants/5"]) textarea[name=note]').inputValue()) ===
          'Ask for the table on the patio',
        'a private note on a saved place is kept, and says only you see it');
  await shot(p, 'saved-note');
  await submit(p, 'li.card.saved:has(a[href="/restaurants/6"]) button:has-text("Remove")');
  check(p.url().endsWith('/saved') && await p.locator('a[href="/restaurants/6"]').count() === 0,
        'Remove takes it off, back on the list', p.url());
  await submit(p, 'li.card.saved:has(a[href="/restaurants/5"]) button:has-text("Been there")');
  check(/\/restaurants\/5#my-review$/.test(p.url()) && (await p.textContent('body')).includes('How was it?') &&
        await p.locator('form[action="/restaurants/5/review"]').count() === 1,
        'Been there leads to the review form for that place', p.url());
  await shot(p, 'been-there-review-form');

  // ---- item 6: the list kept private (profile setting) ---------------------------------------
  await p.goto(base + '/u/u1002/edit');
  await p.check('input[name=saves_private]');
  await submit(p, 'form button[type=submit]:has-text("Save")');
  await p.goto(base + '/restaurants/7');
  await submit(p, 'form[action="/restaurants/7/save"] button');
  check((await p.textContent('body')).includes('Only you see your list'),
        'with the list kept private, saving says only you see it');
  await shot(p, 'saved-private');
});
