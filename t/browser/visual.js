// Browser flow of issue #16's pictures and map (t/browser_visual.t): the logo and favicon, the
// generated tiles on cards, an avatar (initials, then an uploaded photo), a review photo in the
// restaurant's gallery opened at full size without JavaScript, the SVG map on the restaurant
// page and the search results, distances; each page axe-clean; screenshots at desktop and phone
// widths (build/test-output/browser/visual/).
'use strict';
const fs = require('fs');
const path = require('path');
const { base, photo, check, shot, newPage, submit, signup, run } = require('./lib');

const axeSrc = fs.readFileSync(path.join(__dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

// axe-core in the page (evaluate is not subject to the page's CSP): its violations, named.
async function axe(page, what) {
  await page.evaluate(axeSrc);
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const v = r.violations.map((x) => x.id + ': ' + x.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', '));
  check(v.length === 0, 'axe: no violations on ' + what, v.join('\n'));
}

// Whether every <img> of the page that matches selector loaded (naturalWidth > 0).
// Every image of selector has loaded; lazy ones are scrolled into view first (a long page's
// cards below the fold load only then).
async function loaded(page, selector) {
  for (const img of await page.$$(selector)) {
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((i) => i.complete, img, { timeout: 5000 }).catch(() => {});
  }
  return page.$$eval(selector, (imgs) => imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0));
}

run('visual', async (browser) => {
  const a = await newPage(browser);
  const phone = await newPage(browser, { phone: true });
  const nojs = await newPage(browser, { js: false });

  // the logo and the favicon
  await a.goto(base + '/');
  check(await loaded(a, '.brand img'), 'the header shows the logo');
  const fav = await a.evaluate(async () => {
    const r = await fetch('/favicon.ico');
    return r.status + ' ' + r.headers.get('content-type');
  });
  check(fav === '200 image/x-icon', '/favicon.ico answers an icon', fav);
  check(await a.locator('link[rel=icon]').count() === 2, 'the page links its icons');

  // cards with generated tiles; the search results' map
  await a.goto(base + '/restaurants?city=San+Luis+Potosi');
  await a.waitForLoadState('load');
  check(await loaded(a, '.card img.tile'), 'every card shows its generated tile');
  check(await a.locator('svg.map a.map-pin').count() === await a.locator('.card').count(),
        'the results map has a pin for each result');
  await axe(a, 'the search results with tiles and map');
  await shot(a, '01-results-tiles-map-desktop');
  await phone.goto(base + '/restaurants?city=San+Luis+Potosi');
  await phone.waitForLoadState('load');
  await shot(phone, '02-results-phone');

  // sign up, home city, picture
  await signup(a, 'vera');
  await a.goto(base + '/u/vera/edit');
  await a.fill('#city', 'San Luis Potosi');
  await a.check('input[name=visibility][value=public]').catch(() => {});
  await submit(a, 'form button[type=submit]:has-text("Save")');
  await a.goto(base + '/u/vera');
  check(await loaded(a, 'img.avatar-large'), 'a new member has an initials avatar');
  const initials = await a.evaluate(async () => (await fetch('/u/vera/avatar')).headers.get('content-type'));
  check(initials === 'image/svg+xml', '... an SVG of the initials', initials);
  await axe(a, 'a profile');
  await shot(a, '03-avatar-initials');
  await a.goto(base + '/u/vera/edit');
  await axe(a, 'the profile form with its picture field');
  await a.setInputFiles('#photo', photo);
  await submit(a, 'form button[type=submit]:has-text("Save")');
  check((await a.textContent('.flash')).includes('Profile saved'), 'the profile form uploads a picture');
  const pic = await a.evaluate(async () => (await fetch('/u/vera/avatar')).headers.get('content-type'));
  check(pic === 'image/png', 'the avatar is now the photo', pic);
  await shot(a, '04-avatar-photo');

  // a review with a photo: the restaurant's gallery, the map, the distance
  await a.goto(base + '/restaurants?city=San+Luis+Potosi');
  const first = a.locator('a.card-title').first();
  const name = (await first.textContent()).trim();
  await submit(a, 'a.card-title >> nth=0');
  const url = a.url();
  await a.click('label[for=star4]');
  await a.fill('#body', 'Good mole, and a photo of it.');
  await a.setInputFiles('#my-review #photo', photo);
  await submit(a, '#my-review button[type=submit]:has-text("Post review")');
  await a.waitForLoadState('load');
  check(await loaded(a, '.gallery img'), 'the review photo is in the gallery of ' + name);
  check(await a.locator('svg.map a.map-pin.here').count() === 1 && await a.locator('svg.map a.map-pin').count() >= 4,
        'the restaurant page maps the place and its neighbours');
  const dist = await a.textContent('article.restaurant .distance');
  check(/km from the centre of San Luis Potosi/.test(dist), 'the distance from the home city', dist);
  check(await loaded(a, 'img.tile-large'), 'the restaurant page shows its tile');
  await axe(a, 'the restaurant page with map and gallery');
  await shot(a, '05-restaurant-map-gallery-desktop');

  // the same page on a phone, and the full-size photo without JavaScript
  await phone.goto(url);
  await phone.waitForLoadState('load');
  await shot(phone, '06-restaurant-map-gallery-phone');
  await nojs.goto(url);
  await submit(nojs, '.gallery a >> nth=0');
  const full = await nojs.evaluate(() => document.contentType);
  check(/^image\//.test(full), 'a gallery photo opens at full size without JavaScript', full);

  // a chosen point
  await a.goto(url + '?near=22.1565,-100.9855');
  const near = await a.textContent('article.restaurant .distance');
  check(/km from the chosen point/.test(near), '?near= measures from that point', near);
  await phone.goto(base + '/u/vera');
  await phone.waitForLoadState('load');
  await shot(phone, '07-avatar-phone');
});
