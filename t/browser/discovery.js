// Discovery in headless Chromium (issue #16): the front page's sections (a visitor, a demo user
// with friends), the restaurant list's sorts and "open now", the desktop search form (each
// label just above its own control), a restaurant page's rating distribution and pages of
// reviews; axe-core on each page. One JSON check line each; screenshots in the output folder.
'use strict';
const path = require('path');
const fs = require('fs');
const { base, out, check, shot, login, run } = require('./lib');

const axeSource = fs.readFileSync(path.join(__dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

// Each label of the search form sits just above its control, in the same column.
async function labelsAboveControls(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const l of document.querySelectorAll('form.search .field:not(.field-check) label[for], form.search > label[for]')) {
      const ctl = document.getElementById(l.htmlFor);
      if (!ctl) { bad.push(l.htmlFor + ': no control'); continue; }
      const a = l.getBoundingClientRect(), b = ctl.getBoundingClientRect();
      const sameColumn = Math.abs(a.left - b.left) < 4;
      const justAbove = b.top >= a.bottom - 1 && b.top - a.bottom < 16;
      if (!sameColumn || !justAbove)
        bad.push(`${l.htmlFor}: label at (${a.left},${a.top}) control at (${b.left},${b.top})`);
    }
    // the check box: its label just to its right, on the same line
    const box = document.getElementById('open'), bl = document.querySelector('label[for=open]');
    if (box && bl) {
      const a = box.getBoundingClientRect(), b = bl.getBoundingClientRect();
      if (!(b.left >= a.right && b.left - a.right < 16 && Math.abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) < 8))
        bad.push('open: box at (' + a.left + ',' + a.top + ') label at (' + b.left + ',' + b.top + ')');
    }
    return bad;
  });
}

// axe-core's violations on the page (the CSP is bypassed for the test's own script only).
async function axe(page, what) {
  await page.evaluate(axeSource);
  const v = await page.evaluate(async () => (await window.axe.run(document)).violations
    .map((x) => x.id + ' (' + x.nodes.length + '): ' + x.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')));
  check(v.length === 0, 'axe-core: no violations on ' + what, v.join('\n'));
}

async function cardIds(page) {
  return page.$$eval('.cards a.card-title', (as) => as.map((a) => a.getAttribute('href')));
}

run('discovery', async (browser) => {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
  const page = await ctx.newPage();

  // the front page, for a visitor
  await page.goto(base + '/');
  const h2 = await page.$$eval('main h2, h2', (hs) => hs.map((h) => h.textContent.trim()));
  check(h2.some((h) => h.startsWith('Best rated')), 'front page: a "Best rated" section', h2.join(' | '));
  const home = await cardIds(page);
  await page.goto(base + '/restaurants?sort=rating');
  const best = await cardIds(page);
  check(home.length === 6 && home.join() === best.slice(0, 6).join(), 'front page: the six best rated (Bayesian), not the first six by name', home.join());
  await page.goto(base + '/');
  await shot(page, '01-front-page-visitor');
  await axe(page, 'the front page (visitor)');

  // the restaurant list: the form at desktop width, then each sort
  await page.goto(base + '/restaurants');
  const bad = await labelsAboveControls(page);
  check(bad.length === 0, 'desktop search form: every label just above its own control', bad.join('; '));
  await page.locator('form.search').screenshot({ path: path.join(out, '02-search-form-desktop.png') });
  await axe(page, 'the restaurant list');
  await page.selectOption('#sort', 'rating');
  await Promise.all([page.waitForNavigation(), page.click('form.search button[type=submit]')]);
  check(page.url().includes('sort=rating') && (await cardIds(page)).join() === best.join(), 'choosing "Best rated" in the form sorts the list');
  check((await page.textContent('p.meta')).includes('best rated first'), 'the list says how it is sorted');
  await shot(page, '03-sorted-best-rated');
  await page.selectOption('#city', 'Cuernavaca');
  await page.selectOption('#sort', 'nearest');
  await Promise.all([page.waitForNavigation(), page.click('form.search button[type=submit]')]);
  check((await page.textContent('p.meta')).includes('the centre of Cuernavaca'), 'nearest in a city: from its centre, said so');
  await shot(page, '04-sorted-nearest-cuernavaca');
  await page.selectOption('#city', '');
  await page.selectOption('#sort', 'reviews');
  await page.check('#open');
  await Promise.all([page.waitForNavigation(), page.click('form.search button[type=submit]')]);
  check(page.url().includes('open=1') && await page.isChecked('#open'), 'open now: the box stays ticked with the results');
  await shot(page, '05-most-reviewed-open-now');
  const next = await page.$('a[rel=next]');
  if (next) {
    await Promise.all([page.waitForNavigation(), next.click()]);
    check(page.url().includes('sort=reviews') && page.url().includes('open=1') && page.url().includes('page=2'),
      'the next page keeps the sort and the filter', page.url());
  }
  const r = await page.goto(base + '/restaurants?page=99');
  check(r.status() === 404 && (await page.textContent('body')).includes('the last page is'), 'page=99: 404 saying which page is the last');

  // a restaurant page: the distribution and the pages of reviews
  await page.goto(base + '/restaurants?sort=reviews');
  await Promise.all([page.waitForNavigation(), page.click('.cards a.card-title >> nth=0')]);
  const meters = await page.$$eval('ul.distribution meter', (ms) => ms.map((m) => m.getAttribute('aria-label')));
  check(meters.length === 5 && meters[0].startsWith('5 stars') && meters[4].startsWith('1 star:'), 'restaurant page: the rating distribution, 5 to 1 stars, labelled', meters.join(' | '));
  await page.locator('#reviews').screenshot({ path: path.join(out, '06-restaurant-distribution.png') });
  await axe(page, 'a restaurant page');
  const first = await page.$$eval('ul.reviews li', (ls) => ls.length);
  check(first === 20, 'the first page of reviews has 20', first);
  await Promise.all([page.waitForNavigation(), page.click('nav[aria-label="Pages of reviews"] a[rel=next]')]);
  check(page.url().endsWith('page=2#reviews') && (await page.$$eval('ul.reviews li', (ls) => ls.length)) > 0, 'more reviews on page 2, without script');
  await shot(page, '07-restaurant-reviews-page-2');

  // a demo user with friends: trending among friends, the best rated of the home city, friends' sort
  await login(page, 'u1001');
  await page.goto(base + '/');
  const h2u = await page.$$eval('h2', (hs) => hs.map((h) => h.textContent.trim()));
  check(h2u.some((h) => h.startsWith('Best rated')), 'front page (logged in): best rated, saying where', h2u.join(' | '));
  await shot(page, '08-front-page-logged-in');
  await axe(page, 'the front page (logged in)');
  await page.goto(base + '/restaurants?sort=friends');
  check((await page.$$('.friends-rated')).length > 0, "sorted by friends' rating: the cards show it");
  await shot(page, '09-sorted-friends');
  await axe(page, "the list by friends' rating");
});
