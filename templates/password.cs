<?cs include:"header.cs" ?>
<section class="narrow">
<h1>Change your password</h1>
<?cs if:Form.Error ?><p class="form-error" role="alert"><?cs var:Form.Error ?></p><?cs /if ?>
<form method="post" action="/account/password" novalidate>
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <label for="old_password">Current password</label>
  <input id="old_password" name="old_password" type="password" autocomplete="current-password" required<?cs if:Form.Errors.old_password ?> aria-invalid="true" aria-describedby="err-old_password"<?cs /if ?>>
  <?cs call:field_error("old_password") ?>
  <label for="password">New password <span class="hint">(at least <?cs var:Form.MinLength ?> characters)</span></label>
  <input id="password" name="password" type="password" autocomplete="new-password" required<?cs if:Form.Errors.password ?> aria-invalid="true" aria-describedby="err-password"<?cs /if ?>>
  <?cs call:field_error("password") ?>
  <label for="password2">New password again</label>
  <input id="password2" name="password2" type="password" autocomplete="new-password" required<?cs if:Form.Errors.password2 ?> aria-invalid="true" aria-describedby="err-password2"<?cs /if ?>>
  <?cs call:field_error("password2") ?>
  <button type="submit">Change the password</button>
</form>
</section>
<?cs include:"footer.cs" ?>
