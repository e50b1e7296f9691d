<?cs include:"header.cs" ?>
<section class="narrow">
<h1>Choose a new password</h1>
<?cs if:Form.Error ?><p class="form-error" role="alert"><?cs var:Form.Error ?></p><?cs /if ?>
<?cs if:Form.Dead || !Form.token ?>
<p><a href="/forgot">Ask for a new link</a> or <a href="/login">log in</a>.</p>
<?cs else ?>
<form method="post" action="/reset" novalidate>
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <input type="hidden" name="token" value="<?cs var:Form.token ?>">
  <label for="password">New password <span class="hint">(at least <?cs var:Form.MinLength ?> characters)</span></label>
  <input id="password" name="password" type="password" autocomplete="new-password" required<?cs if:Form.Errors.password ?> aria-invalid="true" aria-describedby="err-password"<?cs /if ?>>
  <?cs call:field_error("password") ?>
  <label for="password2">New password again</label>
  <input id="password2" name="password2" type="password" autocomplete="new-password" required<?cs if:Form.Errors.password2 ?> aria-invalid="true" aria-describedby="err-password2"<?cs /if ?>>
  <?cs call:field_error("password2") ?>
  <button type="submit">Set the new password</button>
</form>
<p class="hint">Setting it logs you out everywhere: your other devices and API tokens.</p>
<?cs /if ?>
</section>
<?cs include:"footer.cs" ?>
