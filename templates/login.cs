<?cs include:"header.cs" ?>
<section class="narrow">
<h1>Log in</h1>
<?cs if:Form.Error ?><p class="form-error" role="alert"><?cs var:Form.Error ?></p><?cs /if ?>
<form method="post" action="/login">
  <input type="hidden" name="csrf" value="<?cs var:App.Csrf ?>">
  <input type="hidden" name="next" value="<?cs var:Form.next ?>">
  <label for="username">Username</label>
  <input id="username" name="username" value="<?cs var:Form.username ?>" autocomplete="username" required<?cs if:Form.Errors.username ?> aria-invalid="true" aria-describedby="err-username"<?cs /if ?>>
  <?cs call:field_error("username") ?>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required<?cs if:Form.Errors.password ?> aria-invalid="true" aria-describedby="err-password"<?cs /if ?>>
  <?cs call:field_error("password") ?>
  <button type="submit">Log in</button>
</form>
<p><a href="/forgot">Forgot your password?</a></p>
<p>New here? <a href="/signup">Create an account</a>.</p>
</section>
<?cs include:"footer.cs" ?>
