// Shared pieces of the headless-Chromium scripts in t/browser/ (playwright-core, Debian's
// /usr/bin/chromium): the launch options, the JSON check lines that t/lib/browser.py turns into
// TAP, screenshots into the script's output folder, sign-up and log-in through the forms.
'use strict';
const { chromium } = require('playwright-core');
const path = require('path');
const fs = require('fs');

const base = process.argv[2];
const out = process.argv[3];
const photo = process.argv[4];
fs.mkdirSync(out, { recursive: true });

function check(ok, name, diag) {
  console.log(JSON.stringify({ ok: !!ok, name, diag: diag === undefined ? null : String(diag) }));
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(out, name + '.png'), fullPage: true });
}

async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A page in a context of its own; phone: 390x844, otherwise desktop 1200x900.
async function newPage(browser, opts = {}) {
  const viewport = opts.phone ? { width: 390, height: 844 } : { width: 1200, height: 900 };
  const ctx = await browser.newContext({ viewport, javaScriptEnabled: opts.js !== false });
  return ctx.newPage();
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

async function signup(page, name) {
  await page.goto(base + '/signup');
  await page.fill('#username', name);
  await page.fill('#email', name + '@example.com');
  await page.fill('#display_name', name[0].toUpperCase() + name.slice(1));
  await page.fill('#password', 'enchiladas verdes');
  await page.fill('#password2', 'enchiladas verdes');
  await submit(page, 'form[action="/signup"] button[type=submit]');
}

// Demo users (import-uci) log in with the demo password; admin is "admin".
async function login(page, user, password = 'forkcast-demo') {
  await page.goto(base + '/login');
  await page.fill('#username', user);
  await page.fill('#password', password);
  await submit(page, 'form[action="/login"] button');
}

// Runs body(browser); an exception becomes a failed check, the browser is always closed.
async function run(name, body) {
  const browser = await launch();
  try {
    await body(browser);
  } catch (e) {
    check(false, name + ' ran to the end', e.stack);
  } finally {
    await browser.close();
  }
}

module.exports = { base, out, photo, check, shot, launch, newPage, submit, signup, login, run };
