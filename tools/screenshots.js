// The README's screenshots (run by tools/screenshots.sh against a demo server): argv base,
// output folder, then photo files. Features other pages may or may not have yet (likes,
// comments, the map, the gallery) are used when their controls are there, so the script
// runs on any version of the site; what it could not do is printed.
'use strict';
const { chromium } = require('playwright-core');
const path = require('path');

const [base, out, ...photos] = process.argv.slice(2);
const DEMO = 'forkcast-demo';

async function login(ctx, user) {
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.fill('#username', user);
  await page.fill('#password', DEMO);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button')]);
  return page;
}

async function friendsOf(page) {
  await page.goto(base + '/friends');
  return page.$$eval('ul.people li.person .who > a[href^="/u/"]', (as) => as.map((a) => a.getAttribute('href').slice(3)));
}

(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const desk = { viewport: { width: 1280, height: 900 } };
  try {
    const me = 'u1001';
    const mine = await login(await browser.newContext(desk), me);
    const friends = (await friendsOf(mine)).slice(0, photos.length);
    if (!friends.length) console.log('screenshots: u1001 has no friends in this data; the feed will be thin');
    // one restaurant in u1001's city: the first of the list
    await mine.goto(base + '/restaurants');
    const rest = await mine.getAttribute('a.card-title', 'href');
    // friends review it with photos (the gallery), which also fills u1001's feed
    for (let i = 0; i < friends.length; i++) {
      const p = await login(await browser.newContext(desk), friends[i]);
      await p.goto(base + rest);
      if (await p.locator('#photo').count() && await p.locator('label[for=star5]').count()) {
        await p.click(`label[for=star${5 - (i % 2)}]`);
        await p.fill('#body', ['Best mole in town, and the tortillas are made by hand.',
          'Lovely patio; come early on weekends.', 'Generous portions, friendly staff.',
          'The salsa verde alone is worth the trip.'][i % 4]);
        await p.setInputFiles('#photo', photos[i]);
        await Promise.all([p.waitForNavigation(), p.click('#my-review button[type=submit]')]);
      }
      await p.context().close();
    }
    // likes and comments on the feed, where the feed has them
    await mine.goto(base + '/feed');
    const like = mine.locator('.feed-item form button', { hasText: /like/i }).first();
    if (await like.count()) await Promise.all([mine.waitForNavigation(), like.click()]);
    else console.log('screenshots: no like button in the feed');
    // comments: the feed links to each review's thread on the restaurant page
    const thread = mine.locator('.feed-item a.comment-count').first();
    if (await thread.count()) {
      await Promise.all([mine.waitForNavigation(), thread.click()]);
      const form = mine.locator('form.comment-form').first();
      await form.locator('textarea').fill('Going there on Friday, who is in?');
      await Promise.all([mine.waitForNavigation(), form.locator('button[type=submit]').click()]);
    } else console.log('screenshots: no comment link in the feed');

    await mine.goto(base + '/');
    await mine.screenshot({ path: path.join(out, 'front.png') });
    await mine.goto(base + rest);
    await mine.waitForLoadState('networkidle');
    // the top of the page: the place, its gallery and its map
    await mine.screenshot({ path: path.join(out, 'restaurant.png'), fullPage: true,
                            clip: { x: 0, y: 0, width: 1280, height: 1500 } });
    await mine.goto(base + '/feed');
    await mine.screenshot({ path: path.join(out, 'feed.png') });
    console.log(`screenshots: ${out}/front.png, restaurant.png, feed.png`);
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
